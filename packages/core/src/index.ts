export * from "./encoding";
export * from "./ids";
export * from "./result";
