import { toBase64Url, toHex } from "@fun/core";

/** How long each kind of emailed link works. */
export const ACCOUNT_TOKEN_TTL_MS = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
} as const;

export type AccountTokenPurpose = keyof typeof ACCOUNT_TOKEN_TTL_MS;

/** The SHA-256 (hex) of a token: the only form `account_token` keeps, so a leaked table opens nothing. */
export async function hashAccountToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return toHex(new Uint8Array(digest));
}

/** A fresh single-use token for an emailed link (32 random bytes, base64url) and its hash. */
export async function newAccountToken(): Promise<{ token: string; hash: string }> {
  const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, hash: await hashAccountToken(token) };
}
