import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose";
import type { UpstreamProvider } from "./upstream-config";

interface UpstreamMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported?: string[];
}

/** How long an isolate trusts an upstream's discovery document and keys. */
const CACHE_TTL_MS = 10 * 60 * 1000;
const cache = new Map<string, { metadata: UpstreamMetadata; jwks: JSONWebKeySet; at: number }>();
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

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The upstream's metadata and keys, from its discovery document (OIDC Discovery §4), cached. */
export async function upstreamMetadata(provider: UpstreamProvider, now = Date.now()) {
  const cached = cache.get(provider.issuer);
  if (cached && now - cached.at < CACHE_TTL_MS) return cached;
  const metadata = await getJson<UpstreamMetadata>(
    `${provider.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
  );
  if (metadata.issuer !== provider.issuer)
    throw new Error(`${provider.id}: discovery names issuer ${metadata.issuer}`);
  const jwks = await getJson<JSONWebKeySet>(metadata.jwks_uri);
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
  const credentials = btoa(
    `${encodeURIComponent(provider.client_id)}:${encodeURIComponent(provider.client_secret)}`,
  );
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
  });
  const body = (await response.json().catch(() => ({}))) as { id_token?: string; error?: string };
  if (!response.ok || !body.id_token)
    throw new Error(`the token endpoint refused: ${body.error ?? response.status}`);
  return body.id_token;
}

/** Checks the upstream ID token: signature by its published keys, issuer, audience, expiry, nonce. */
export async function verifyUpstreamIdToken(
  provider: UpstreamProvider,
  cached: { metadata: UpstreamMetadata; jwks: JSONWebKeySet },
  idToken: string,
  nonce: string,
): Promise<JWTPayload & { sub: string }> {
  const advertised = cached.metadata.id_token_signing_alg_values_supported ?? ["RS256"];
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(cached.jwks), {
    algorithms: advertised.filter((alg) => ALLOWED_ALGORITHMS.includes(alg)),
    issuer: provider.issuer,
    audience: provider.client_id,
    requiredClaims: ["sub", "exp", "iat"],
  });
  if (payload.nonce !== nonce) throw new Error("the nonce does not match");
  return payload as JWTPayload & { sub: string };
}
