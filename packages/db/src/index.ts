import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as compliance from "./schema/compliance";
import * as core from "./schema/core";

export * from "./schema/compliance";
export * from "./schema/core";
export * from "./sql-ids";
export * from "./tenants.repo";
export { compliance, core };

export type CoreDb = DrizzleD1Database<typeof core>;
export type ComplianceDb = DrizzleD1Database<typeof compliance>;

// Building a client walks the whole schema, so each isolate builds one per binding and reuses it.
const coreClients = new WeakMap<D1Database, CoreDb>();

/** A typed client for the core database (`env.DB`). */
export function createCoreDb(d1: D1Database): CoreDb {
  let db = coreClients.get(d1);
  if (!db) {
    db = drizzle(d1, { schema: core });
    coreClients.set(d1, db);
  }
  return db;
}

/** A typed client for the compliance database (`env.COMPLIANCE_DB`), bound only to the compliance worker. */
export function createComplianceDb(d1: D1Database): ComplianceDb {
  return drizzle(d1, { schema: compliance });
}
