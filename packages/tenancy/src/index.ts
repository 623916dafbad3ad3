export * from "./directory";
export * from "./flags";
export * from "./hosts";
export * from "./settings";
