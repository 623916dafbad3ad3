import { defineConfig } from "drizzle-kit";

/** The core database (D1 `DB`). Migrations are applied with `wrangler d1 migrations apply fun-core`. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./packages/db/src/schema/core.ts",
  out: "./migrations/core",
});
