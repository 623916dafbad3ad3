import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createCoreDb } from "@fun/db";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import { findObject, readObject, storeObject } from "../objects/vault-objects";
import { activeVersion, keyStatus } from "./key-versions";
import { consumeRewrap, REWRAP_PAGE, type RewrapMessage, rewrapPage } from "./rewrap.consumer";
import { rotateTenantKeys } from "./rotate-keys";

const db = createCoreDb(env.DB);

/**
 * The vault's bindings with the rewrap queue replaced by one that only records what is sent: the
 * test delivers the messages itself, so no background consumer races it.
 */
function quietEnv(): VaultEnv & { sent: RewrapMessage[] } {
  const sent: RewrapMessage[] = [];
  const queue = { send: async (message: RewrapMessage) => void sent.push(message) };
  return { ...env, VAULT_REWRAP: queue as unknown as Queue, sent };
}
const collect = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());

async function stored(tenantId: string, key: string, size = 1000) {
  const plain = crypto.getRandomValues(new Uint8Array(size));
  await storeObject(env, {
    storageKey: key,
    tenantId,
    contentType: "image/jpeg",
    plainSize: size,
    body: new Blob([plain]).stream(),
  });
  return plain;
}

/** Runs rewrap messages through the real consumer until the rotation sends no more. */
async function drain(bindings: VaultEnv, first: RewrapMessage) {
  let pages = 0;
  for (let done = false; !done && pages < 50; pages++) done = (await rewrapPage(bindings, first)).done;
  return pages;
}

describe("key rotation", () => {
  it("wraps new objects under the new version and re-wraps old ones without touching their bodies", async () => {
    const tenantId = SEED.tenants.pupfanz.id;
    const plain = await stored(tenantId, "rot/a");
    const before = await findObject(env, "rot/a");
    const bodyBefore = await (await env.MEDIA_BUCKET.get("rot/a"))?.arrayBuffer();
    expect(before?.kekVersion).toBe(1);

    const bindings = quietEnv();
    const started = await rotateTenantKeys(bindings, tenantId, SEED.accounts.staff.id);
    expect(started).toMatchObject({ from: 1, to: 2 });
    expect(bindings.sent).toEqual([{ tenantId, from: 1, to: 2 }]);
    expect(started.versions).toEqual([
      expect.objectContaining({ version: 2, state: "active", objects: 0 }),
      expect.objectContaining({ version: 1, state: "retiring", objects: 1 }),
    ]);
    expect(await activeVersion(db, tenantId)).toBe(2);
    await stored(tenantId, "rot/new");
    expect((await findObject(env, "rot/new"))?.kekVersion).toBe(2);

    // A reader that loaded the old header before the rewrap still reads after it.
    expect(before).toBeDefined();
    if (!before) return;
    await drain(bindings, { tenantId, from: 1, to: 2 });
    const after = await findObject(env, "rot/a");
    expect(after).toMatchObject({ kekVersion: 2, sha256: before.sha256, createdAt: before.createdAt });
    expect(after?.wrappedKey).not.toBe(before.wrappedKey);
    expect(await collect(await readObject(env, before))).toEqual(plain);
    if (after) expect(await collect(await readObject(env, after))).toEqual(plain);
    expect(await (await env.MEDIA_BUCKET.get("rot/a"))?.arrayBuffer()).toEqual(bodyBefore);

    expect(await keyStatus(db, tenantId)).toEqual([
      expect.objectContaining({ version: 2, state: "active", objects: 2 }),
      expect.objectContaining({ version: 1, state: "retired", objects: 0, retiredAt: expect.any(Number) }),
    ]);
  });

  it("works through many objects page by page, and a redelivered page changes nothing", async () => {
    const tenantId = SEED.tenants.daddyfanz.id;
    for (let i = 0; i < REWRAP_PAGE + 5; i++)
      await stored(tenantId, `rot/many/${String(i).padStart(3, "0")}`, 10);
    const bindings = quietEnv();
    await rotateTenantKeys(bindings, tenantId, SEED.accounts.staff.id);
    const message = { tenantId, from: 1, to: 2 };
    expect(await rewrapPage(bindings, message)).toEqual({ rewrapped: REWRAP_PAGE, done: false });
    // The page sent the rotation on to its next page.
    expect(bindings.sent).toEqual([message, message]);
    expect((await keyStatus(db, tenantId)).find((v) => v.version === 1)).toMatchObject({
      state: "retiring",
      objects: 5,
    });
    expect(await rewrapPage(bindings, message)).toEqual({ rewrapped: 5, done: true });
    expect(await rewrapPage(bindings, message)).toEqual({ rewrapped: 0, done: true });
    expect((await keyStatus(db, tenantId)).find((v) => v.version === 1)).toMatchObject({
      state: "retired",
      objects: 0,
    });
  });

  it("retries a page that fails, through the queue consumer", async () => {
    const tenantId = SEED.tenants.girlfanz.id;
    await stored(tenantId, "rot/retry");
    const bindings = quietEnv();
    await rotateTenantKeys(bindings, tenantId, SEED.accounts.staff.id);
    const batch = createMessageBatch("fun-vault-rewrap", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { tenantId, from: 1, to: 2 } },
    ]);
    const broken: VaultEnv = { ...bindings, VAULT_MASTER_KEY: "not base64 of 32 bytes" };
    await consumeRewrap(batch, broken);
    expect((await getQueueResult(batch, createExecutionContext())).retryMessages).toHaveLength(1);
    expect((await findObject(env, "rot/retry"))?.kekVersion).toBe(1);
    const again = createMessageBatch("fun-vault-rewrap", [
      { id: "m2", timestamp: new Date(), attempts: 2, body: { tenantId, from: 1, to: 2 } },
    ]);
    await consumeRewrap(again, bindings);
    expect((await getQueueResult(again, createExecutionContext())).explicitAcks).toEqual(["m2"]);
    expect((await findObject(env, "rot/retry"))?.kekVersion).toBe(2);
  });
});
