export * from "./policies";
export * from "./principal";
