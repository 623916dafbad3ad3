import { env } from "cloudflare:workers";
import { hashPassword } from "@fun/core/password";

/** The password of every person `newPerson` makes. */
export const PERSON_PASSWORD = "fun-local-demo";

let people = 0;
let passwordHash: Promise<string> | undefined;

export interface TestPerson {
  id: string;
  email: string;
  handle: string;
  name: string;
}

/**
 * A new active account with a fan profile, in the worker's real D1. Sign-ins are limited per email
 * and per IP, so a test that signs in gets someone of its own rather than a shared demo account.
 */
export async function newPerson(label = "person"): Promise<TestPerson> {
  const n = ++people;
  const tag = `${label.replace(/[^a-z]/g, "").slice(0, 8) || "person"}${n}`;
  const id = `${String(n).padStart(20, "0")}PERSON`;
  const person = {
    id: `acc_${id}`,
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
        "INSERT INTO profile (id, account_id, handle, display_name, type, created_at, updated_at) VALUES (?, ?, ?, ?, 'fan', ?, ?)",
      )
      .bind(`prf_${id}`, person.id, person.handle, person.name, now, now),
  ]);
  return person;
}
