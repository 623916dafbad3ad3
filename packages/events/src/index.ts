export * from "./catalogue";
export * from "./consumer";
export * from "./envelope";
export * from "./outbox";
export * from "./outbox-writer";
