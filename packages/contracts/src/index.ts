export * from "./health";
export * from "./ledger";
