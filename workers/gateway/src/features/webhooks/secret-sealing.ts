import { fromBase64Url, toBase64Url } from "@fun/core";

/**
 * Signing secrets at rest: AES-256-GCM under the platform key `WEBHOOK_SECRET_KEY` (base64 of 32
 * bytes), a fresh 12-byte IV each time, and the endpoint id as additional data so a sealed secret
 * copied onto another endpoint's row does not open. Stored as `v1.<base64url iv>.<base64url ciphertext+tag>`.
 */

const VERSION = "v1";
const keys = new Map<string, Promise<CryptoKey>>();

function sealingKey(base64Key: string): Promise<CryptoKey> {
  let key = keys.get(base64Key);
  if (!key) {
    const raw = Uint8Array.from(atob(base64Key), (c) => c.charCodeAt(0));
    if (raw.length !== 32) throw new Error("WEBHOOK_SECRET_KEY must be base64 of 32 bytes");
    key = crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    keys.set(base64Key, key);
  }
  return key;
}

/** Seals `secret` for the endpoint `endpointId`; the result is what `secret_sealed` holds. */
export async function sealSecret(base64Key: string, endpointId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(endpointId) },
    await sealingKey(base64Key),
    new TextEncoder().encode(secret),
  );
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
}

/** Opens a sealed secret of the endpoint `endpointId`; throws if it was tampered with or moved. */
export async function openSecret(base64Key: string, endpointId: string, sealed: string): Promise<string> {
  const [version, iv, ciphertext] = sealed.split(".");
  if (version !== VERSION || !iv || !ciphertext) throw new Error("unknown sealed secret format");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64Url(iv), additionalData: new TextEncoder().encode(endpointId) },
    await sealingKey(base64Key),
    fromBase64Url(ciphertext),
  );
  return new TextDecoder().decode(plain);
}
