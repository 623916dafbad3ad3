import { createCoreDb, vaultObject } from "@fun/db";
import { and, asc, eq } from "drizzle-orm";
import { rewrapHeader } from "../envelope/envelope";
import { retireIfUnused } from "./key-versions";

export const REWRAP_QUEUE = "fun-vault-rewrap";
export const REWRAP_DEAD_LETTER_QUEUE = "fun-vault-rewrap-dlq";

/** Objects re-wrapped per message: each message is short, and the rotation carries on in the next. */
export const REWRAP_PAGE = 100;

export interface RewrapMessage {
  tenantId: string;
  from: number;
  to: number;
}

/**
 * Re-wraps one page of a tenant's objects from KEK version `from` to `to`, then sends the same
 * message again while any remain, and retires `from` when none do. Object bodies are never touched.
 * Each row is updated only if it still has version `from`, so redeliveries, retries after a crash and
 * two messages racing all converge; reads in between use whichever header they loaded, and both open.
 */
export async function rewrapPage(
  env: VaultEnv,
  message: RewrapMessage,
  now = Date.now(),
): Promise<{ rewrapped: number; done: boolean }> {
  const db = createCoreDb(env.DB);
  const page = await db
    .select()
    .from(vaultObject)
    .where(and(eq(vaultObject.tenantId, message.tenantId), eq(vaultObject.kekVersion, message.from)))
    .orderBy(asc(vaultObject.storageKey))
    .limit(REWRAP_PAGE);
  // The new headers first (a query builder returned from an async function would run on its own).
  const rewrapped = await Promise.all(
    page.map(async (row) => ({
      row,
      header: await rewrapHeader(
        env.VAULT_MASTER_KEY,
        {
          format: "fun-vault/v1",
          tenantId: row.tenantId,
          kekVersion: row.kekVersion,
          wrappedKey: row.wrappedKey,
          chunkSize: row.chunkSize,
          plainSize: row.plainSize,
        },
        message.to,
      ),
    })),
  );
  const updates = rewrapped.map(({ row, header }) =>
    db
      .update(vaultObject)
      .set({ kekVersion: header.kekVersion, wrappedKey: header.wrappedKey, updatedAt: now })
      .where(and(eq(vaultObject.storageKey, row.storageKey), eq(vaultObject.kekVersion, message.from))),
  );
  const [first, ...rest] = updates;
  if (first) await db.batch([first, ...rest]);
  if (page.length === REWRAP_PAGE) {
    await env.VAULT_REWRAP.send(message, { contentType: "json" });
    return { rewrapped: page.length, done: false };
  }
  await retireIfUnused(db, message.tenantId, message.from, now);
  return { rewrapped: page.length, done: true };
}

/** The rewrap queue: a failure is retried, and after the last try dead-lettered (and logged). */
export async function consumeRewrap(batch: MessageBatch<unknown>, env: VaultEnv): Promise<void> {
  for (const message of batch.messages) {
    const body = message.body as RewrapMessage;
    try {
      const result = await rewrapPage(env, body);
      console.log(JSON.stringify({ service: "vault", consumer: "rewrap", ...body, ...result }));
      message.ack();
    } catch (error) {
      console.error(JSON.stringify({ service: "vault", consumer: "rewrap", ...body, error: String(error) }));
      message.retry();
    }
  }
}
