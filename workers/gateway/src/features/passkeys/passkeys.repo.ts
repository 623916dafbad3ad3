import { newId } from "@fun/core";
import { type CoreDb, passkey, webauthnChallenge } from "@fun/db";
import { and, eq, gt, isNull } from "drizzle-orm";

/** A challenge is good for one ceremony within this long. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export async function storeChallenge(
  db: CoreDb,
  ceremony: "registration" | "authentication",
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

/** Uses a challenge up, once: unexpired, unused, for this ceremony (and account, when registering). */
export async function consumeChallenge(
  db: CoreDb,
  id: string,
  ceremony: "registration" | "authentication",
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
    .all();
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
