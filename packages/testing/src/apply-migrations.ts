import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

/**
 * Runs before every test file (storage is isolated per file): applies the real migrations and the
 * demo seed to whichever databases the worker under test binds.
 */
const bindings = env as unknown as Partial<Record<"DB" | "COMPLIANCE_DB", D1Database>> & TestBindings;

async function prepare(db: D1Database | undefined, migrations: D1Migration[], seed: string[]): Promise<void> {
  if (!db) return;
  await applyD1Migrations(db, migrations);
  if (seed.length > 0) await db.batch(seed.map((statement) => db.prepare(statement)));
}

await prepare(bindings.DB, bindings.TEST_CORE_MIGRATIONS, bindings.TEST_SEED.core);
await prepare(bindings.COMPLIANCE_DB, bindings.TEST_COMPLIANCE_MIGRATIONS, bindings.TEST_SEED.compliance);
