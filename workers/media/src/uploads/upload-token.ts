import { hmacSign, hmacVerify } from "@fun/core";

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

/** What is signed: a versioned, unambiguous line (ids and numbers never contain a newline). */
const payload = (grant: UploadGrant) =>
  ["fun-upload-v1", grant.assetId, grant.partNumber, grant.length, grant.expires].join("\n");

export function signUploadGrant(secret: string, grant: UploadGrant): Promise<string> {
  return hmacSign(secret, payload(grant));
}

export type GrantCheck = "valid" | "bad_signature" | "expired";

/** Checks the signature first (so a changed expiry is a bad signature), then the expiry. */
export async function checkUploadGrant(
  secret: string,
  grant: UploadGrant,
  token: string,
  now = Date.now(),
): Promise<GrantCheck> {
  if (!(await hmacVerify(secret, payload(grant), token))) return "bad_signature";
  return grant.expires * 1000 <= now ? "expired" : "valid";
}
