export * from "./api-error";
export * from "./app";
export * from "./problem";
export * from "./route";
