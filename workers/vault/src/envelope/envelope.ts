import { fromBase64Url, toBase64Url } from "@fun/core";
import {
  DEFAULT_CHUNK_SIZE,
  decryptRangeStream,
  decryptWithinChunk,
  encryptStream,
  storedRangeFor,
  storedSize,
  TamperedObjectError,
} from "./chunked-gcm";
import { newDataKey, tenantKek, unwrapDataKey, wrapDataKey } from "./keys";

/**
 * What a reader needs, besides the master secret, to decrypt an object: stored beside it (R2
 * custom metadata or a D1 row). It holds no key material in the clear; `wrappedKey` opens only under
 * the tenant's KEK of `kekVersion`, so rotating a KEK re-wraps this small header, never the body.
 */
export interface EnvelopeHeader {
  format: "fun-vault/v1";
  tenantId: string;
  kekVersion: number;
  /** base64url of the AES-KW-wrapped data key. */
  wrappedKey: string;
  chunkSize: number;
  plainSize: number;
}

/**
 * Starts encrypting one object for a tenant: a fresh data key, wrapped under the tenant's current KEK.
 * Pipe the plaintext (exactly `plainSize` bytes) through `encrypt`; the output is `storedSize` bytes.
 */
export async function sealObject(
  masterSecret: string,
  object: { objectId: string; tenantId: string; kekVersion: number; plainSize: number; chunkSize?: number },
): Promise<{ header: EnvelopeHeader; encrypt: TransformStream<Uint8Array, Uint8Array>; storedSize: number }> {
  const chunkSize = object.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const dataKey = await newDataKey();
  const wrapped = await wrapDataKey(
    dataKey,
    await tenantKek(masterSecret, object.tenantId, object.kekVersion),
  );
  return {
    header: {
      format: "fun-vault/v1",
      tenantId: object.tenantId,
      kekVersion: object.kekVersion,
      wrappedKey: toBase64Url(wrapped),
      chunkSize,
      plainSize: object.plainSize,
    },
    encrypt: encryptStream(dataKey, object.objectId, chunkSize),
    storedSize: storedSize(object.plainSize, chunkSize),
  };
}

/**
 * Unwrapped data keys, per isolate, by tenant, KEK version and wrapped bytes (which decide the key):
 * the delivery path reads the same popular objects again and again. Non-extractable, never stored;
 * a failed unwrap is not kept. Bounded, oldest out first.
 */
const dataKeys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_DATA_KEYS = 2048;

function dataKeyOf(masterSecret: string, header: EnvelopeHeader): Promise<CryptoKey> {
  const id = `${header.tenantId}|${header.kekVersion}|${header.wrappedKey}`;
  const cached = dataKeys.get(id);
  if (cached) return cached;
  const key = (async () => {
    const kek = await tenantKek(masterSecret, header.tenantId, header.kekVersion);
    try {
      return await unwrapDataKey(fromBase64Url(header.wrappedKey), kek);
    } catch {
      throw new TamperedObjectError("data key");
    }
  })();
  key.catch(() => dataKeys.delete(id));
  if (dataKeys.size >= MAX_CACHED_DATA_KEYS) dataKeys.delete(dataKeys.keys().next().value ?? "");
  dataKeys.set(id, key);
  return key;
}

/**
 * Where to read and how to decrypt plaintext bytes [start, end] of an object (the whole object when
 * no range is given): the stored byte range to fetch, and the stream that turns those bytes into
 * exactly the plaintext asked for. A header whose wrapped key does not open under its tenant's KEK
 * (another tenant's, or changed) fails here, before any byte is read.
 */
export async function openObject(
  masterSecret: string,
  objectId: string,
  header: EnvelopeHeader,
  range?: { start: number; end: number },
): Promise<{
  stored: { offset: number; length: number };
  decrypt: TransformStream<Uint8Array, Uint8Array>;
  /** Set when the range lies in one chunk: decrypts its sealed bytes at once. */
  decryptWhole?: (sealed: Uint8Array) => Promise<Uint8Array>;
}> {
  const key = await dataKeyOf(masterSecret, header);
  const { plainSize, chunkSize } = header;
  const start = range?.start ?? 0;
  const end = range?.end ?? plainSize - 1;
  const located = storedRangeFor(start, end, plainSize, chunkSize);
  const plainRange = { start, end, plainSize, chunkSize };
  return {
    stored: { offset: located.offset, length: located.length },
    decrypt: decryptRangeStream(key, objectId, plainRange),
    ...(located.first === located.last
      ? { decryptWhole: (sealed: Uint8Array) => decryptWithinChunk(key, objectId, plainRange, sealed) }
      : {}),
  };
}

/** Re-wraps an object's data key under another KEK version of its tenant (key rotation). */
export async function rewrapHeader(
  masterSecret: string,
  header: EnvelopeHeader,
  kekVersion: number,
): Promise<EnvelopeHeader> {
  const [kek, next] = await Promise.all([
    tenantKek(masterSecret, header.tenantId, header.kekVersion),
    tenantKek(masterSecret, header.tenantId, kekVersion),
  ]);
  const unwrapped = await unwrapDataKey(fromBase64Url(header.wrappedKey), kek, true);
  return { ...header, kekVersion, wrappedKey: toBase64Url(await wrapDataKey(unwrapped, next)) };
}
