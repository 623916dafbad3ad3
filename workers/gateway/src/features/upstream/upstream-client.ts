import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose";
import { z } from "zod";
import type { UpstreamProvider } from "./upstream-config";

const MetadataSchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
});

type UpstreamMetadata = z.infer<typeof MetadataSchema>;

export interface CachedUpstream {
  metadata: UpstreamMetadata;
  jwks: JSONWebKeySet;
  at: number;
}

/** How long an isolate trusts an upstream's discovery document and keys. */
const CACHE_TTL_MS = 10 * 60 * 1000;
/** An unknown `kid` refetches the keys (rotation), at most this often per upstream. */
const KEY_REFRESH_MIN_AGE_MS = 60 * 1000;
/** An upstream that does not answer in time fails the sign-in rather than holding the request. */
const FETCH_TIMEOUT_MS = 5000;
const cache = new Map<string, CachedUpstream>();
/** Asymmetric algorithms only: never `none`, never HS* (whose key would be our client secret). */
const ALLOWED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/**
 * The upstream's metadata and keys, from its discovery document (OIDC Discovery §4), cached per
 * isolate for `CACHE_TTL_MS`. The document must name the configured issuer exactly.
 */
export async function upstreamMetadata(
  provider: UpstreamProvider,
  options: { maxAgeMs?: number; now?: number } = {},
): Promise<CachedUpstream> {
  const now = options.now ?? Date.now();
  const cached = cache.get(provider.issuer);
  if (cached && now - cached.at < (options.maxAgeMs ?? CACHE_TTL_MS)) return cached;
  const read = MetadataSchema.safeParse(
    await getJson(`${provider.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`),
  );
  if (!read.success) throw new Error(`${provider.id}: the discovery document is not valid`);
  const metadata = read.data;
  if (metadata.issuer !== provider.issuer)
    throw new Error(`${provider.id}: discovery names issuer ${metadata.issuer}`);
  const jwks = (await getJson(metadata.jwks_uri)) as JSONWebKeySet;
  if (!Array.isArray(jwks?.keys)) throw new Error(`${provider.id}: the JWKS has no keys`);
  const entry = { metadata, jwks, at: now };
  cache.set(provider.issuer, entry);
  return entry;
}

/** Redeems the upstream's code (client_secret_basic, with our PKCE verifier); answers its ID token. */
export async function redeemUpstreamCode(
  provider: UpstreamProvider,
  metadata: UpstreamMetadata,
  request: { code: string; redirectUri: string; codeVerifier: string },
): Promise<string> {
  // RFC 6749 §2.3.1: both halves form-encoded before Basic.
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  const credentials = btoa(`${encode(provider.client_id)}:${encode(provider.client_secret)}`);
  const response = await fetch(metadata.token_endpoint, {
    method: "POST",
    headers: {
      authorization: `Basic ${credentials}`,
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: request.code,
      redirect_uri: request.redirectUri,
      code_verifier: request.codeVerifier,
    }).toString(),
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  const body = (await response.json().catch(() => ({}))) as { id_token?: unknown; error?: string };
  if (!response.ok || typeof body.id_token !== "string")
    throw new Error(`the token endpoint refused: ${body.error ?? response.status}`);
  return body.id_token;
}

async function verifyWith(
  provider: UpstreamProvider,
  cached: CachedUpstream,
  idToken: string,
): Promise<JWTPayload> {
  const advertised = cached.metadata.id_token_signing_alg_values_supported ?? ["RS256"];
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(cached.jwks), {
    algorithms: advertised.filter((alg) => ALLOWED_ALGORITHMS.includes(alg)),
    issuer: provider.issuer,
    audience: provider.client_id,
    requiredClaims: ["sub", "exp", "iat"],
    clockTolerance: 60,
  });
  return payload;
}

/**
 * Checks the upstream ID token: an asymmetric signature by its published keys (refetched once if
 * the `kid` is new, for key rotation), issuer, audience (our client id, and `azp` when present),
 * expiry and our nonce.
 */
export async function verifyUpstreamIdToken(
  provider: UpstreamProvider,
  cached: CachedUpstream,
  idToken: string,
  nonce: string,
): Promise<JWTPayload & { sub: string }> {
  let payload: JWTPayload;
  try {
    payload = await verifyWith(provider, cached, idToken);
  } catch (error) {
    if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
    const fresh = await upstreamMetadata(provider, { maxAgeMs: KEY_REFRESH_MIN_AGE_MS });
    if (fresh === cached) throw error;
    payload = await verifyWith(provider, fresh, idToken);
  }
  if (payload.nonce !== nonce) throw new Error("the nonce does not match");
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== provider.client_id)
    throw new Error("the token is for several audiences and azp is not us");
  if (typeof payload.sub !== "string" || !payload.sub) throw new Error("the token has no subject");
  return payload as JWTPayload & { sub: string };
}
