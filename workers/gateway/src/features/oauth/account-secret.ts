import { fromBase64Url, toBase64Url } from "@fun/core";

/**
 * A credential routed to one account's SessionStore: `<account id, base64url>.<secret>`. Refresh
 * tokens, authorization codes and the auth host's session cookie all take this shape; the account
 * part picks the object, and only a hash of the secret is stored there.
 */
export function composeAccountSecret(accountId: string, secret: string): string {
  return `${toBase64Url(new TextEncoder().encode(accountId))}.${secret}`;
}

/** The account and secret of a presented credential, or undefined if it is not one of ours. */
export function parseAccountSecret(token: string): { accountId: string; secret: string } | undefined {
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
