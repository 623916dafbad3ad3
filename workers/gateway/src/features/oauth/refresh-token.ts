import { fromBase64Url, toBase64Url } from "@fun/core";

/**
 * The refresh token a client holds: `<account id, base64url>.<secret>`. The account part routes the
 * token to that account's SessionStore; only the secret is stored there, and only as a hash.
 */
export function composeRefreshToken(accountId: string, secret: string): string {
  return `${toBase64Url(new TextEncoder().encode(accountId))}.${secret}`;
}

/** The account and secret of a presented refresh token, or undefined if it is not one of ours. */
export function parseRefreshToken(token: string): { accountId: string; secret: string } | undefined {
  const match = /^([A-Za-z0-9_-]{4,128})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  try {
    const accountId = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      fromBase64Url(match[1]),
    );
    return /^acc_[0-9A-Z]{26}$/.test(accountId) ? { accountId, secret: match[2] } : undefined;
  } catch {
    return undefined;
  }
}
