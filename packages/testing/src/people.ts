import { env } from "cloudflare:workers";
import { hashPassword } from "@fun/core/password";
import { SEED } from "@fun/db/seed";

/** The password of every person `newPerson` makes. */
export const PERSON_PASSWORD = "fun-local-demo";

let people = 0;
let passwordHash: Promise<string> | undefined;

export interface TestPerson {
  id: string;
  profileId: string;
  email: string;
  handle: string;
  name: string;
}

/**
 * A new active account with a fan profile, in the worker's real D1. Sign-ins are limited per email
 * and per IP, so a test that signs in gets someone of its own rather than a shared demo account.
 * `present: true` also shows the profile on every brand, as a finished sign-up would; `creator: true`
 * makes it a creator profile holding the creator role (who may post).
 */
export async function newPerson(
  options: { label?: string; present?: boolean; creator?: boolean } = {},
): Promise<TestPerson> {
  const label = options.label ?? "person";
  const n = ++people;
  const tag = `${label.replace(/[^a-z]/g, "").slice(0, 8) || "person"}${n}`;
  const id = `${String(n).padStart(20, "0")}PERSON`;
  const person = {
    id: `acc_${id}`,
    profileId: `prf_${id}`,
    email: `${tag}-${crypto.randomUUID().slice(0, 8)}@fun.localhost`,
    handle: `${tag}_${crypto.randomUUID().slice(0, 6)}`,
    name: `Person ${n}`,
  };
  passwordHash ??= hashPassword(PERSON_PASSWORD);
  const now = Date.now();
  const db = (env as unknown as { DB: D1Database }).DB;
  await db.batch([
    db
      .prepare(
        "INSERT INTO account (id, email, password_hash, status, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?)",
      )
      .bind(person.id, person.email, await passwordHash, now, now),
    db
      .prepare(
        "INSERT INTO profile (id, account_id, handle, display_name, type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(
        person.profileId,
        person.id,
        person.handle,
        person.name,
        options.creator ? "creator" : "fan",
        now,
        now,
      ),
    ...(options.creator
      ? [
          db
            .prepare("INSERT INTO account_role (id, account_id, role_id, created_at) VALUES (?, ?, ?, ?)")
            .bind(`arl_${id}`, person.id, SEED.roles.creator.id, now),
        ]
      : []),
  ]);
  if (options.present) {
    const { results } = await db.prepare("SELECT id FROM tenant ORDER BY id").all<{ id: string }>();
    await db.batch(
      results.map((tenant, index) =>
        db
          .prepare(
            "INSERT INTO profile_tenant (id, profile_id, tenant_id, is_visible, created_at) VALUES (?, ?, ?, 1, ?)",
          )
          .bind(`prt_${String(n).padStart(19, "0")}${index}PERSON`, person.profileId, tenant.id, now),
      ),
    );
  }
  return person;
}

let grants = 0;

/** Grants a seeded role to an account: everywhere, or on one brand (a brand-scoped staff role). */
export async function grantRole(
  accountId: string,
  role: keyof typeof SEED.roles,
  brand?: keyof typeof SEED.tenants,
): Promise<void> {
  const db = (env as unknown as { DB: D1Database }).DB;
  await db
    .prepare(
      "INSERT INTO account_role (id, account_id, role_id, tenant_id, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(
      `arl_${String(++grants).padStart(20, "0")}GRANTS`,
      accountId,
      SEED.roles[role].id,
      brand ? SEED.tenants[brand].id : null,
      Date.now(),
    )
    .run();
}
