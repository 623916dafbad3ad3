import { fromBase64Url, toBase64Url } from "@fun/core";

/**
 * The HMAC token of an upload URL served by this worker (`PUT /upload/…`). It binds the asset, the
 * part (0 for a whole-file PUT), the exact byte length and the expiry, so a URL cannot be reused for
 * another asset, another part, a different size or after it expires. HMAC-SHA256 with
 * `UPLOAD_TOKEN_SECRET`; checked with `crypto.subtle.verify`, which compares in constant time.
 */

export interface UploadGrant {
  assetId: string;
  /** 0 for a whole-file PUT, else the multipart part number (1-10,000). */
  partNumber: number;
  /** The exact number of bytes the PUT must carry. */
  length: number;
  /** Unix time in seconds after which the URL is refused. */
  expires: number;
}

const MIN_SECRET_LENGTH = 32;
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  if (secret.length < MIN_SECRET_LENGTH)
    throw new Error(`UPLOAD_TOKEN_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
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

/** What is signed: a versioned, unambiguous line (ids and numbers never contain a newline). */
const payload = (grant: UploadGrant) =>
  new TextEncoder().encode(
    ["fun-upload-v1", grant.assetId, grant.partNumber, grant.length, grant.expires].join("\n"),
  );

export async function signUploadGrant(secret: string, grant: UploadGrant): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await keyFor(secret), payload(grant));
  return toBase64Url(new Uint8Array(mac));
}

export type GrantCheck = "valid" | "bad_signature" | "expired";

/** Checks the signature first (so a changed expiry is a bad signature), then the expiry. */
export async function checkUploadGrant(
  secret: string,
  grant: UploadGrant,
  token: string,
  now = Date.now(),
): Promise<GrantCheck> {
  let mac: Uint8Array<ArrayBuffer>;
  try {
    mac = fromBase64Url(token);
  } catch {
    return "bad_signature";
  }
  const valid = await crypto.subtle.verify("HMAC", await keyFor(secret), mac, payload(grant));
  if (!valid) return "bad_signature";
  return grant.expires * 1000 <= now ? "expired" : "valid";
}
