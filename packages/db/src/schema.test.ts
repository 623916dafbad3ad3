import { env } from "cloudflare:workers";
import { passwordNeedsRehash, verifyPassword } from "@fun/core/password";
import { TenantSettingsSchema } from "@fun/tenancy";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { account, createCoreDb, oauthClient, profile, tenant } from "./index";
import { buildSeed, SEED } from "./seed";

/** Runs against the real core migrations with the demo seed applied (see packages/testing). */
// Cast: packages/ is type-checked by every worker's tsconfig, and only the gateway's Env has DB.
const db = (env as unknown as { DB: D1Database }).DB;
const NOW = 1_800_000_000_000;

function run(sql: string, ...params: unknown[]): Promise<D1Result> {
  return db
    .prepare(sql)
    .bind(...params)
    .run();
}

async function rowCounts(): Promise<Record<string, number>> {
  const tables = ["tenant", "role", "account", "profile", "profile_tenant", "account_role"];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db.prepare(`select count(*) as n from ${table}`).first<{ n: number }>();
    counts[table] = row?.n ?? -1;
  }
  return counts;
}

describe("the core schema", () => {
  it("treats emails as case-insensitive and unique", async () => {
    const insert = run(
      "insert into account (id, email, status, created_at, updated_at) values (?, ?, 'active', ?, ?)",
      "acc_01JZ0000000000000000000001",
      "Creator@FUN.localhost",
      NOW,
      NOW,
    );
    await expect(insert).rejects.toThrow(/UNIQUE constraint failed: account\.email/);
    const found = await db
      .prepare("select id from account where email = ?")
      .bind("CREATOR@fun.localhost")
      .first();
    expect(found).toEqual({ id: SEED.accounts.creator.id });
  });

  it("treats handles as case-insensitive and unique", async () => {
    const insert = run(
      "insert into profile (id, account_id, handle, display_name, type, created_at, updated_at) values (?, ?, ?, 'x', 'fan', ?, ?)",
      "prf_01JZ0000000000000000000001",
      SEED.accounts.fan.id,
      "Demo_Creator",
      NOW,
      NOW,
    );
    await expect(insert).rejects.toThrow(/UNIQUE constraint failed: profile\.handle/);
    const found = await createCoreDb(db)
      .select()
      .from(profile)
      .where(eq(profile.handle, "DEMO_CREATOR"))
      .get();
    expect(found?.id).toBe(SEED.profiles.creator.id);
  });

  it("rejects a content row with a visibility outside the blueprint's list", async () => {
    const insert = run(
      "insert into content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) values (?, ?, ?, 't', 'friends', ?, ?)",
      "cnt_01JZ0000000000000000000001",
      SEED.profiles.creator.id,
      SEED.tenants.girlfanz.id,
      NOW,
      NOW,
    );
    await expect(insert).rejects.toThrow(/CHECK constraint failed: content_visibility/);
  });

  it("rejects an account status and a publication status it does not know", async () => {
    await expect(
      run("update account set status = 'banned' where id = ?", SEED.accounts.fan.id),
    ).rejects.toThrow(/CHECK constraint failed: account_status/);
    const map = run(
      "insert into content_tenant_map (id, content_id, tenant_id, status, created_at, updated_at) values (?, ?, ?, 'live', ?, ?)",
      "ctm_01JZ0000000000000000000001",
      "cnt_01JZ0000000000000000000002",
      SEED.tenants.pupfanz.id,
      NOW,
      NOW,
    );
    await expect(map).rejects.toThrow(/CHECK constraint failed: content_tenant_map_status/);
  });

  it("rejects content whose creator profile does not exist", async () => {
    const insert = run(
      "insert into content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) values (?, ?, ?, 't', 'public', ?, ?)",
      "cnt_01JZ0000000000000000000003",
      "prf_01JZ0000000000000000000404",
      SEED.tenants.girlfanz.id,
      NOW,
      NOW,
    );
    await expect(insert).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });

  it("accepts valid content for a seeded creator", async () => {
    await run(
      "insert into content (id, creator_profile_id, canonical_tenant_id, title, visibility, price_cents, created_at, updated_at) values (?, ?, ?, 't', 'ppv', 499, ?, ?)",
      "cnt_01JZ0000000000000000000004",
      SEED.profiles.creator.id,
      SEED.tenants.girlfanz.id,
      NOW,
      NOW,
    );
    const row = await db
      .prepare("select tags from content where id = ?")
      .bind("cnt_01JZ0000000000000000000004")
      .first();
    expect(row).toEqual({ tags: "[]" });
  });

  it("refuses a second global grant of the same role, though its tenant is NULL", async () => {
    const grant = (id: string, tenantId: string | null) =>
      run(
        "insert into account_role (id, account_id, role_id, tenant_id, created_at) values (?, ?, ?, ?, ?)",
        id,
        SEED.accounts.creator.id,
        SEED.roles.creator.id,
        tenantId,
        NOW,
      );
    await expect(grant("arl_01JZ0000000000000000000001", null)).rejects.toThrow(/UNIQUE constraint failed/);
    await grant("arl_01JZ0000000000000000000002", SEED.tenants.pupfanz.id);
    await expect(grant("arl_01JZ0000000000000000000003", SEED.tenants.pupfanz.id)).rejects.toThrow(
      /UNIQUE constraint failed/,
    );
  });

  it("seeds the demo staff with a staff role on each of the three brands", async () => {
    const { results } = await db
      .prepare("select tenant_id from account_role where account_id = ? and role_id = ? order by tenant_id")
      .bind(SEED.accounts.staff.id, SEED.roles.staff.id)
      .all<{ tenant_id: string }>();
    const expected = Object.values(SEED.tenants).map((t) => t.id);
    expect(results.map((row) => row.tenant_id)).toEqual(expected.sort());
  });

  it("leaves row counts and password hashes unchanged when the seed runs again", async () => {
    const before = await rowCounts();
    const hashBefore = await db
      .prepare("select password_hash from account where id = ?")
      .bind(SEED.accounts.fan.id)
      .first();
    const { core } = await buildSeed({ demo: true });
    await db.batch(core.map((statement) => db.prepare(statement)));
    expect(await rowCounts()).toEqual(before);
    // Other tests in this file add rows, so only the seed-owned tables are pinned to exact numbers.
    expect(before).toMatchObject({ tenant: 3, role: 5, account: 4, profile: 4, profile_tenant: 12 });
    const hashAfter = await db
      .prepare("select password_hash from account where id = ?")
      .bind(SEED.accounts.fan.id)
      .first();
    expect(hashAfter).toEqual(hashBefore);
  });

  it("applies a changed tenant setting on the next seed", async () => {
    await run("update tenant set name = 'Renamed' where id = ?", SEED.tenants.daddyfanz.id);
    const { core } = await buildSeed({ demo: false });
    await db.batch(core.map((statement) => db.prepare(statement)));
    const row = await db
      .prepare("select name from tenant where id = ?")
      .bind(SEED.tenants.daddyfanz.id)
      .first();
    expect(row).toEqual({ name: "DaddyFanz" });
  });

  it("gives every demo account the documented password, hashed with the current scrypt parameters", async () => {
    const rows = await createCoreDb(db)
      .select({ email: account.email, hash: account.passwordHash })
      .from(account);
    expect(rows.map((r) => r.email).sort()).toEqual([
      "creator@fun.localhost",
      "fan@fun.localhost",
      "safety@fun.localhost",
      "staff@fun.localhost",
    ]);
    for (const row of rows) {
      expect(await verifyPassword(SEED.demoPassword, row.hash ?? "")).toBe(true);
      expect(await verifyPassword("wrong-password", row.hash ?? "")).toBe(false);
      expect(passwordNeedsRehash(row.hash ?? "")).toBe(false);
    }
  });

  it("registers each brand's web app as a first-party public client with exact local and production callbacks", async () => {
    // An earlier test ran a production seed over this database; the local seed puts localhost back.
    const { core } = await buildSeed({ demo: true });
    await db.batch(core.map((statement) => db.prepare(statement)));
    const clients = await createCoreDb(db).select().from(oauthClient).orderBy(asc(oauthClient.id));
    expect(clients.map((c) => c.id)).toEqual(["daddyfanz-web", "girlfanz-web", "pupfanz-web"]);
    const pupfanz = clients.find((c) => c.id === "pupfanz-web");
    expect(pupfanz).toMatchObject({
      tenantId: SEED.tenants.pupfanz.id,
      type: "public",
      firstParty: true,
      secretHash: null,
    });
    expect(pupfanz?.redirectUris).toEqual([
      "https://pupfanz.com/v1/auth/oidc/callback",
      "http://pupfanz.localhost:8787/v1/auth/oidc/callback",
    ]);
    expect(pupfanz?.grantTypes).toContain("urn:ietf:params:oauth:grant-type:token-exchange");
  });

  it("never registers localhost callbacks in a production seed", async () => {
    const production = await buildSeed({ demo: false });
    const clientRows = production.core.filter((statement) =>
      statement.startsWith("INSERT INTO oauth_client "),
    );
    expect(clientRows).toHaveLength(3);
    for (const statement of clientRows) expect(statement).not.toContain("localhost");
  });

  it("refuses a public client with a secret and a confidential one without", async () => {
    const insert = (type: string, secret: string | null) =>
      db
        .prepare(
          `INSERT INTO oauth_client (id, tenant_id, name, type, redirect_uris, grant_types, secret_hash, created_at, updated_at)
           VALUES (?, ?, 'x', ?, '[]', '[]', ?, 0, 0)`,
        )
        .bind(`test-${type}`, SEED.tenants.girlfanz.id, type, secret)
        .run();
    await expect(insert("public", "scrypt$...")).rejects.toThrow(/CHECK constraint failed/);
    await expect(insert("confidential", null)).rejects.toThrow(/CHECK constraint failed/);
  });

  it("stores tenant settings that the tenancy schema accepts", async () => {
    const tenants = await createCoreDb(db).select().from(tenant).orderBy(asc(tenant.slug)).all();
    expect(tenants.map((t) => t.slug)).toEqual(["daddyfanz", "girlfanz", "pupfanz"]);
    const settings = tenants.map((t) => TenantSettingsSchema.parse(t.settings));
    expect(new Set(settings.map((s) => s.theme.primary)).size).toBe(3);
    for (const [i, t] of tenants.entries()) {
      expect(settings[i]?.domains.local.web).toBe(`${t.slug}.localhost`);
      expect(settings[i]?.jurisdiction.minimumAge).toBeGreaterThanOrEqual(18);
    }
  });
});
