import { err, fromBase64Url, hmacSign, hmacVerify, ok, type Result, toBase64Url } from "@fun/core";

/**
 * The token of a signed media URL: short-lived (5 minutes by default), bound to one asset, one
 * variant, the brand whose media host serves it and the viewer it was issued to, HMAC-SHA256-signed
 * with a rotatable key named by `kid`. Form: `<kid>.<base64url claims JSON>.<base64url MAC>`; the MAC
 * covers `fun-media-token/v1.<kid>.<claims>`, so neither the key id nor a claim can be swapped.
 */

export const DEFAULT_TOKEN_TTL_SECONDS = 300;

export interface MediaTokenClaims {
  /** Asset id (`ast_…`). */
  a: string;
  /** Variant: `original`, or a `media_variant` kind such as `watermarked`. */
  v: string;
  /** Tenant id of the brand whose media host may serve it. */
  t: string;
  /** Viewer's profile id, or null for an anonymous viewer of public content. */
  p: string | null;
  /** One stored copy (`var_…`) the link is for, such as a buyer's own watermarked copy; absent for the brand's rendition. */
  c?: string;
  /** Expiry, Unix seconds. */
  exp: number;
}

/** The signing keys: the one new tokens use, and every key still accepted (by kid). */
export interface MediaTokenKeys {
  current: string;
  keys: Record<string, string>;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

const signed = (kid: string, claims: string) => `fun-media-token/v1.${kid}.${claims}`;

export async function signMediaToken(
  keys: MediaTokenKeys,
  grant: Omit<MediaTokenClaims, "exp">,
  options: { now?: number; ttlSeconds?: number } = {},
): Promise<{ token: string; expiresAt: number }> {
  const secret = keys.keys[keys.current];
  if (!secret || !KID.test(keys.current))
    throw new Error(`the current media token key ${keys.current} is not configured`);
  const exp =
    Math.floor((options.now ?? Date.now()) / 1000) + (options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS);
  const claims = toBase64Url(new TextEncoder().encode(JSON.stringify({ ...grant, exp })));
  const mac = await hmacSign(secret, signed(keys.current, claims));
  return { token: `${keys.current}.${claims}.${mac}`, expiresAt: exp * 1000 };
}

export type MediaTokenProblem =
  | "malformed"
  | "unknown_key"
  | "bad_signature"
  | "expired"
  | "wrong_asset"
  | "wrong_variant"
  | "wrong_tenant";

/**
 * Checks a token for the request it came with: the signature first (under the key its kid names,
 * compared in constant time by `crypto.subtle.verify`), then expiry, then that it was issued for
 * this asset, this variant and this brand's host.
 */
export async function verifyMediaToken(
  keys: MediaTokenKeys,
  token: string,
  request: { assetId: string; variant: string; tenantId: string },
  now = Date.now(),
): Promise<Result<MediaTokenClaims, MediaTokenProblem>> {
  const parts = token.split(".");
  if (parts.length !== 3) return err("malformed");
  const [kid = "", claimsText = "", macText = ""] = parts;
  const secret = KID.test(kid) ? keys.keys[kid] : undefined;
  if (!secret) return err("unknown_key");
  if (!(await hmacVerify(secret, signed(kid, claimsText), macText))) return err("bad_signature");
  let claims: MediaTokenClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64Url(claimsText))) as MediaTokenClaims;
  } catch {
    return err("malformed");
  }
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= now) return err("expired");
  if (claims.a !== request.assetId) return err("wrong_asset");
  if (claims.v !== request.variant) return err("wrong_variant");
  if (claims.t !== request.tenantId) return err("wrong_tenant");
  return ok(claims);
}
