import { defineConfig } from "drizzle-kit";

/** The compliance database (D1 `COMPLIANCE_DB`), applied with `wrangler d1 migrations apply fun-compliance`. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./packages/db/src/schema/compliance.ts",
  out: "./migrations/compliance",
});
