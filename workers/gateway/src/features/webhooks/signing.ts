/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of
 * random bytes, and each attempt is signed with HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}`
 * keyed by those bytes, sent as `webhook-signature: v1,<base64 signature>`.
 */

const SECRET_PREFIX = "whsec_";
/** 32 random bytes: the spec asks for 24 to 64. */
const SECRET_BYTES = 32;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A new signing secret, `whsec_<base64 of 32 random bytes>`. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** The headers that sign one attempt of a delivery: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
export async function signatureHeaders(
  secret: string,
  deliveryId: string,
  body: string,
  nowMs: number = Date.now(),
): Promise<Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string>> {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("not a whsec_ signing secret");
  const key = await crypto.subtle.importKey(
    "raw",
    fromBase64(secret.slice(SECRET_PREFIX.length)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const timestamp = String(Math.floor(nowMs / 1000));
  const signed = new TextEncoder().encode(`${deliveryId}.${timestamp}.${body}`);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, signed));
  return {
    "webhook-id": deliveryId,
    "webhook-timestamp": timestamp,
    "webhook-signature": `v1,${toBase64(signature)}`,
  };
}
