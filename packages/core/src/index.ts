export * from "./ids";
export * from "./password";
export * from "./result";
