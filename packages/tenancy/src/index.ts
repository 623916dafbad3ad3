export * from "./hosts";
export * from "./settings";
