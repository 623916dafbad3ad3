export * from "./api-error";
export * from "./app";
export * from "./cursor";
export * from "./problem";
export * from "./route";
