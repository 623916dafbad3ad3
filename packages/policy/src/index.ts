export * from "./entitlement";
export * from "./policies";
export * from "./principal";
export * from "./principal.repo";
