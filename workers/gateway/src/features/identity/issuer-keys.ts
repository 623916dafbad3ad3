import { decodeProtectedHeader, type JSONWebKeySet } from "jose";

/** How long an isolate trusts its copy of the JWKS; a token with an unknown `kid` refreshes it sooner. */
export const JWKS_CACHE_TTL_MS = 5 * 60 * 1000;
/** At most one early refresh per this interval, so forged `kid`s cannot hammer the key ring. */
const UNKNOWN_KID_REFRESH_MS = 30 * 1000;

let cached: { jwks: JSONWebKeySet; fetchedAt: number } | undefined;

/** The platform's one key ring (see durable-objects/key-ring). */
export function issuerKeyRing(env: Env) {
  return env.KEY_RING.get(env.KEY_RING.idFromName("issuer"));
}

/**
 * The issuer's public keys, cached per isolate so verifying a token costs no round trip. When a
 * token names a key we do not have (just rotated in), the cache is refreshed once, rate-limited.
 */
export async function issuerJwks(env: Env, kid?: string, now: number = Date.now()): Promise<JSONWebKeySet> {
  const known = !kid || cached?.jwks.keys.some((key) => key.kid === kid);
  const fresh = cached && now - cached.fetchedAt < JWKS_CACHE_TTL_MS;
  const mayRefreshEarly = !cached || now - cached.fetchedAt > UNKNOWN_KID_REFRESH_MS;
  if (cached && fresh && (known || !mayRefreshEarly)) return cached.jwks;
  const jwks = await issuerKeyRing(env).jwks();
  cached = { jwks, fetchedAt: now };
  return jwks;
}

/** The key set to verify `token` with: the cached one, refreshed early if the token names a new key. */
export function jwksForToken(env: Env, token: string): Promise<JSONWebKeySet> {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    // Not a JWS at all: verification will say so; the cached set is as good as any.
  }
  return issuerJwks(env, typeof kid === "string" ? kid : undefined);
}
