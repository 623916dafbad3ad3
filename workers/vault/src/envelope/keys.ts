import { fromBase64Url } from "@fun/core";

/**
 * Key hierarchy: one master secret (a Worker secret, `VAULT_MASTER_KEY`, base64 of 32 bytes) →
 * per-tenant, versioned key-encryption keys (KEKs) derived with HKDF-SHA256 → a fresh data key per
 * object, wrapped with AES-KW under its tenant's KEK. Only wrapped data keys are ever stored; KEKs
 * are derived when needed and never leave the isolate.
 */

const MASTER_KEY_BYTES = 32;
const KEK_SALT = new TextEncoder().encode("fun-vault/kek/v1");

let master: { secret: string; key: Promise<CryptoKey> } | undefined;

/** The master secret as an HKDF key (imported once per isolate and secret). */
function masterKey(secret: string): Promise<CryptoKey> {
  if (master?.secret !== secret) {
    const raw = fromBase64Url(secret);
    if (raw.length !== MASTER_KEY_BYTES)
      throw new Error(`VAULT_MASTER_KEY must be base64 of ${MASTER_KEY_BYTES} bytes, not ${raw.length}`);
    master = { secret, key: crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey", "deriveBits"]) };
  }
  return master.key;
}

/** Derived KEKs, per isolate and master secret: the delivery path unwraps a data key per request. */
const keks = new Map<string, Promise<CryptoKey>>();
let keksSecret: string | undefined;

/** A tenant's key-encryption key of one version. Keys of different tenants or versions are unrelated. */
export function tenantKek(secret: string, tenantId: string, version: number): Promise<CryptoKey> {
  if (!Number.isInteger(version) || version < 1)
    return Promise.reject(new RangeError(`a key version is a whole number ≥ 1, not ${version}`));
  if (keksSecret !== secret) {
    keks.clear();
    keksSecret = secret;
  }
  const id = `${tenantId}:v${version}`;
  let kek = keks.get(id);
  if (!kek) {
    kek = masterKey(secret).then((master) =>
      crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: KEK_SALT, info: new TextEncoder().encode(`kek:${id}`) },
        master,
        { name: "AES-KW", length: 256 },
        false,
        ["wrapKey", "unwrapKey"],
      ),
    );
    kek.catch(() => keks.delete(id));
    keks.set(id, kek);
  }
  return kek;
}

const WATERMARK_SALT = new TextEncoder().encode("fun-vault/watermark/v1");

/**
 * A tenant's forensic watermark key of one version: 32 bytes for the media worker's embedder and
 * detector, derived like the KEKs (same master, its own salt), so a mark made under one brand's key
 * is unreadable with another's and no key is ever stored. Versions follow the tenant's KEK versions.
 */
export async function tenantWatermarkKey(
  secret: string,
  tenantId: string,
  version: number,
): Promise<Uint8Array> {
  if (!Number.isInteger(version) || version < 1)
    throw new RangeError(`a key version is a whole number ≥ 1, not ${version}`);
  const bits = await crypto.subtle.deriveBits(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: WATERMARK_SALT,
      info: new TextEncoder().encode(`watermark:${tenantId}:v${version}`),
    },
    await masterKey(secret),
    256,
  );
  return new Uint8Array(bits);
}

/** A fresh AES-256-GCM data key for one object, extractable only so it can be wrapped. */
export function newDataKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, [
    "encrypt",
    "decrypt",
  ]) as Promise<CryptoKey>;
}

/** The data key wrapped (AES-KW, RFC 3394) under a KEK: 40 bytes, safe to store. */
export async function wrapDataKey(dataKey: CryptoKey, kek: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.wrapKey("raw", dataKey, kek, "AES-KW"));
}

/**
 * The data key back from its wrapped form; fails (throws) under any other KEK or if the bytes were
 * changed. Extractable only to be wrapped again (key rotation).
 */
export function unwrapDataKey(wrapped: Uint8Array, kek: CryptoKey, forRewrap = false): Promise<CryptoKey> {
  return crypto.subtle.unwrapKey("raw", wrapped, kek, "AES-KW", { name: "AES-GCM", length: 256 }, forRewrap, [
    "encrypt",
    "decrypt",
  ]);
}
