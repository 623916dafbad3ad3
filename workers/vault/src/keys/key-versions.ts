import { type CoreDb, vaultKeyVersion, vaultObject } from "@fun/db";
import { and, count, eq, sql } from "drizzle-orm";

/**
 * Per-tenant KEK versions (table `vault_key_version`). A tenant with no rows uses version 1: the
 * table only records what rotations changed.
 */

export const FIRST_VERSION = 1;

/** The version new objects of a tenant are wrapped under. */
export async function activeVersion(db: CoreDb, tenantId: string): Promise<number> {
  const row = await db
    .select({ version: vaultKeyVersion.version })
    .from(vaultKeyVersion)
    .where(and(eq(vaultKeyVersion.tenantId, tenantId), eq(vaultKeyVersion.state, "active")))
    .get();
  return row?.version ?? FIRST_VERSION;
}

/**
 * Makes a new version active and the current one `retiring`, in one batch (the partial unique index
 * allows one active version per tenant, so two concurrent rotations cannot both win).
 */
export async function startRotation(
  db: CoreDb,
  tenantId: string,
  accountId: string,
  now: number,
): Promise<{ from: number; to: number }> {
  const from = await activeVersion(db, tenantId);
  const to = from + 1;
  await db.batch([
    db
      .insert(vaultKeyVersion)
      .values({ tenantId, version: from, state: "retiring", createdAt: now })
      .onConflictDoUpdate({
        target: [vaultKeyVersion.tenantId, vaultKeyVersion.version],
        set: { state: "retiring" },
      }),
    db
      .insert(vaultKeyVersion)
      .values({ tenantId, version: to, state: "active", createdByAccountId: accountId, createdAt: now }),
  ]);
  return { from, to };
}

/** Retires a version once no object uses it; answers whether it is retired now. */
export async function retireIfUnused(
  db: CoreDb,
  tenantId: string,
  version: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .update(vaultKeyVersion)
    .set({ state: "retired", retiredAt: now })
    .where(
      and(
        eq(vaultKeyVersion.tenantId, tenantId),
        eq(vaultKeyVersion.version, version),
        eq(vaultKeyVersion.state, "retiring"),
        sql`not exists (select 1 from ${vaultObject} where ${vaultObject.tenantId} = ${tenantId} and ${vaultObject.kekVersion} = ${version})`,
      ),
    )
    .returning({ version: vaultKeyVersion.version });
  return result.length > 0;
}

/** Every version of a tenant with how many objects each still wraps: a rotation's progress. */
export async function keyStatus(db: CoreDb, tenantId: string) {
  const [versions, objects] = await Promise.all([
    db.select().from(vaultKeyVersion).where(eq(vaultKeyVersion.tenantId, tenantId)),
    db
      .select({ version: vaultObject.kekVersion, objects: count() })
      .from(vaultObject)
      .where(eq(vaultObject.tenantId, tenantId))
      .groupBy(vaultObject.kekVersion),
  ]);
  const counts = new Map(objects.map((row) => [row.version, row.objects]));
  const known = versions.length
    ? versions
    : [
        {
          tenantId,
          version: FIRST_VERSION,
          state: "active" as const,
          createdByAccountId: null,
          createdAt: 0,
          retiredAt: null,
        },
      ];
  return known
    .map((row) => ({
      version: row.version,
      state: row.state,
      objects: counts.get(row.version) ?? 0,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt,
    }))
    .sort((a, b) => b.version - a.version);
}
