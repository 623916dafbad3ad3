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
    master = { secret, key: crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]) };
  }
  return master.key;
}

/** A tenant's key-encryption key of one version. Keys of different tenants or versions are unrelated. */
export async function tenantKek(secret: string, tenantId: string, version: number): Promise<CryptoKey> {
  if (!Number.isInteger(version) || version < 1)
    throw new RangeError(`a key version is a whole number ≥ 1, not ${version}`);
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: KEK_SALT,
      info: new TextEncoder().encode(`kek:${tenantId}:v${version}`),
    },
    await masterKey(secret),
    { name: "AES-KW", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  );
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
