export * from "./encoding";
export * from "./hmac";
export * from "./ids";
export * from "./result";
