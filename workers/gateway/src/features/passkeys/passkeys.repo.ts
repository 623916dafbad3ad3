import { newId } from "@fun/core";
import { account, type CoreDb, passkey, webauthnChallenge } from "@fun/db";
import { and, eq, gt, isNull } from "drizzle-orm";

export type Ceremony = "registration" | "authentication";

/** A challenge is good for one ceremony within this long. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** Keeps a fresh challenge for one ceremony (bound to the account when registering); answers its id. */
export async function storeChallenge(
  db: CoreDb,
  ceremony: Ceremony,
  challenge: string,
  accountId: string | null,
): Promise<string> {
  const id = newId("webauthnChallenge");
  const now = Date.now();
  await db.insert(webauthnChallenge).values({
    id,
    ceremony,
    accountId,
    challenge,
    createdAt: now,
    expiresAt: now + CHALLENGE_TTL_MS,
  });
  return id;
}

/** Uses a challenge up atomically, once: unexpired, unused, for this ceremony (and account, when registering). */
export async function consumeChallenge(
  db: CoreDb,
  id: string,
  ceremony: Ceremony,
  accountId: string | null,
): Promise<string | undefined> {
  const now = Date.now();
  const [row] = await db
    .update(webauthnChallenge)
    .set({ consumedAt: now })
    .where(
      and(
        eq(webauthnChallenge.id, id),
        eq(webauthnChallenge.ceremony, ceremony),
        accountId === null ? isNull(webauthnChallenge.accountId) : eq(webauthnChallenge.accountId, accountId),
        isNull(webauthnChallenge.consumedAt),
        gt(webauthnChallenge.expiresAt, now),
      ),
    )
    .returning({ challenge: webauthnChallenge.challenge });
  return row?.challenge;
}

/** The account's email, the name a passkey is saved under. */
export async function accountEmail(db: CoreDb, accountId: string): Promise<string | undefined> {
  const row = await db.select({ email: account.email }).from(account).where(eq(account.id, accountId)).get();
  return row?.email;
}

/** The account's passkeys, oldest first. */
export function passkeysOf(db: CoreDb, accountId: string) {
  return db
    .select({
      id: passkey.id,
      name: passkey.name,
      transports: passkey.transports,
      createdAt: passkey.createdAt,
      lastUsedAt: passkey.lastUsedAt,
    })
    .from(passkey)
    .where(eq(passkey.accountId, accountId))
    .orderBy(passkey.createdAt)
    .all();
}

export type NewPasskey = typeof passkey.$inferInsert;

/** Stores a passkey; false when that credential is registered already (to anyone). */
export async function insertPasskey(db: CoreDb, row: NewPasskey): Promise<boolean> {
  const inserted = await db.insert(passkey).values(row).onConflictDoNothing().returning({ id: passkey.id });
  return inserted.length === 1;
}

export function findPasskey(db: CoreDb, credentialId: string) {
  return db.select().from(passkey).where(eq(passkey.id, credentialId)).get();
}

/** Records a use: the new signature counter, only if no other use moved it meanwhile. */
export async function recordUse(
  db: CoreDb,
  credentialId: string,
  previous: number,
  next: number,
): Promise<boolean> {
  const updated = await db
    .update(passkey)
    .set({ counter: next, lastUsedAt: Date.now() })
    .where(and(eq(passkey.id, credentialId), eq(passkey.counter, previous)))
    .returning({ id: passkey.id });
  return updated.length === 1;
}
