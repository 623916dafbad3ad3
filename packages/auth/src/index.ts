export * from "./access-token";
export * from "./signing-keys";
export * from "./id-token";
