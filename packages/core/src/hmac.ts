import { fromBase64Url, toBase64Url } from "./encoding";

/**
 * HMAC-SHA256 with a text secret, for the URL tokens the platform signs (upload URLs, media URLs).
 * Keys are imported once per isolate and secret; verification uses `crypto.subtle.verify`, which
 * compares in constant time.
 */

const MIN_SECRET_LENGTH = 32;
/** Spelt through `crypto.subtle` so this package type-checks under both Node's and workerd's types. */
type HmacKey = ReturnType<typeof crypto.subtle.importKey>;
const keys = new Map<string, HmacKey>();

function hmacKey(secret: string): HmacKey {
  if (secret.length < MIN_SECRET_LENGTH)
    throw new Error(`an HMAC signing secret is at least ${MIN_SECRET_LENGTH} characters`);
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

/** The MAC of `message` as unpadded base64url. */
export async function hmacSign(secret: string, message: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(message));
  return toBase64Url(new Uint8Array(mac));
}

/** Whether `mac` (base64url) is the MAC of `message`; false for anything that is not base64url. */
export async function hmacVerify(secret: string, message: string, mac: string): Promise<boolean> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(mac);
  } catch {
    return false;
  }
  return crypto.subtle.verify("HMAC", await hmacKey(secret), bytes, new TextEncoder().encode(message));
}
