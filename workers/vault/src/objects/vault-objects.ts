import { toHex } from "@fun/core";
import { createCoreDb, vaultObject } from "@fun/db";
import { eq } from "drizzle-orm";
import { DEFAULT_CHUNK_SIZE } from "../envelope/chunked-gcm";
import { type EnvelopeHeader, openObject, sealObject } from "../envelope/envelope";
import { activeVersion } from "../keys/key-versions";

export type VaultObjectRow = typeof vaultObject.$inferSelect;

/**
 * Passes bytes on while hashing them, and fails the stream unless exactly `length` bytes came: a
 * short or long body is refused before R2 keeps anything.
 */
function exactlyHashed(length: number, digest: DigestStream): TransformStream<Uint8Array, Uint8Array> {
  const hashing = digest.getWriter();
  let seen = 0;
  return new TransformStream({
    async transform(bytes, controller) {
      seen += bytes.byteLength;
      if (seen > length) throw new RangeError(`the body is longer than the ${length} bytes declared`);
      await hashing.write(bytes);
      controller.enqueue(bytes);
    },
    async flush() {
      if (seen !== length) throw new RangeError(`the body is ${seen} bytes, not the ${length} declared`);
      await hashing.close();
    },
  });
}

const headerOf = (row: VaultObjectRow): EnvelopeHeader => ({
  format: "fun-vault/v1",
  tenantId: row.tenantId,
  kekVersion: row.kekVersion,
  wrappedKey: row.wrappedKey,
  chunkSize: row.chunkSize,
  plainSize: row.plainSize,
});

/**
 * Encrypts a stream of exactly `plainSize` bytes into R2 at `storageKey` for a tenant, hashing the
 * plaintext on the way (the delivery path's ETag), then records its header. Nothing is buffered
 * whole. A stream of another length fails the write, and no row is recorded.
 */
export async function storeObject(
  env: VaultEnv,
  object: {
    storageKey: string;
    tenantId: string;
    contentType: string;
    plainSize: number;
    body: ReadableStream<Uint8Array>;
  },
  now = Date.now(),
): Promise<VaultObjectRow> {
  const sealed = await sealObject(env.VAULT_MASTER_KEY, {
    objectId: object.storageKey,
    tenantId: object.tenantId,
    kekVersion: await activeVersion(createCoreDb(env.DB), object.tenantId),
    plainSize: object.plainSize,
    chunkSize: DEFAULT_CHUNK_SIZE,
  });
  const digest = new crypto.DigestStream("SHA-256");
  const put = await env.MEDIA_BUCKET.put(
    object.storageKey,
    object.body
      .pipeThrough(exactlyHashed(object.plainSize, digest))
      .pipeThrough(sealed.encrypt)
      .pipeThrough(new FixedLengthStream(sealed.storedSize)),
    {
      httpMetadata: { contentType: "application/octet-stream" },
      customMetadata: { format: sealed.header.format },
    },
  );
  if (!put) throw new Error(`R2 did not store ${object.storageKey}`);
  const row: VaultObjectRow = {
    storageKey: object.storageKey,
    tenantId: object.tenantId,
    kekVersion: sealed.header.kekVersion,
    wrappedKey: sealed.header.wrappedKey,
    chunkSize: sealed.header.chunkSize,
    plainSize: object.plainSize,
    contentType: object.contentType,
    sha256: toHex(new Uint8Array(await digest.digest)),
    createdAt: now,
    updatedAt: now,
  };
  const db = createCoreDb(env.DB);
  // A new body under the same key is a new object: every column is replaced, its time included.
  const { storageKey: _, ...replaced } = row;
  try {
    await db
      .insert(vaultObject)
      .values(row)
      .onConflictDoUpdate({ target: vaultObject.storageKey, set: replaced });
  } catch (error) {
    // A body without its header could never be read again: take it away too.
    await env.MEDIA_BUCKET.delete(object.storageKey);
    throw error;
  }
  return row;
}

export async function findObject(env: VaultEnv, storageKey: string): Promise<VaultObjectRow | undefined> {
  return createCoreDb(env.DB).select().from(vaultObject).where(eq(vaultObject.storageKey, storageKey)).get();
}

/**
 * The plaintext of a stored object, or of bytes [start, end] of it, as a stream: only the chunks the
 * range touches are fetched from R2 and decrypted. A chunk that fails authentication errors the stream.
 */
export async function readObject(
  env: VaultEnv,
  row: VaultObjectRow,
  range?: { start: number; end: number },
): Promise<ReadableStream<Uint8Array>> {
  const opened = await openObject(env.VAULT_MASTER_KEY, row.storageKey, headerOf(row), range);
  const stored = await env.MEDIA_BUCKET.get(row.storageKey, { range: opened.stored });
  if (!stored) throw new Error(`the ciphertext of ${row.storageKey} is missing from R2`);
  if (opened.decryptWhole) {
    // One chunk (at most 64 KiB): decrypted at once, before the first byte is sent.
    const plain = await opened.decryptWhole(new Uint8Array(await stored.arrayBuffer()));
    return new Response(plain).body as ReadableStream<Uint8Array>;
  }
  return stored.body.pipeThrough(opened.decrypt);
}
