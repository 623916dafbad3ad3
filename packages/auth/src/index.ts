export * from "./access-token";
export * from "./id-token";
export * from "./signing-keys";
