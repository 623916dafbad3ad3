import { err, ok, type Result } from "@fun/core";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import type { SigningKey } from "./signing-keys";

/** Access tokens live at most this long, so a leaked one is useful only briefly. */
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 600;
const DEFAULT_LIFETIME_SECONDS = 300;
/** RFC 9068: the JOSE header `typ` that keeps an ID token or other JWT from passing as an access token. */
const ACCESS_TOKEN_TYPE = "at+jwt";
const ALGORITHM = "ES256";

/** What the issuer puts in an access token. */
export interface AccessTokenRequest {
  issuer: string;
  /** The account id. */
  subject: string;
  /** The API (resource server) the token is for. */
  audience: string;
  /** The brand the token is good for; a token for one brand is refused by another. */
  tenant: string;
  scope: string[];
  /** The OAuth client the token was issued to (RFC 9068 `client_id`). */
  clientId: string;
  /** The sign-in session behind the token (`sid`), so it can be listed, revoked and introspected. */
  sessionId?: string;
  /** Defaults to 300; more than 600 is refused. */
  lifetimeSeconds?: number;
}

/** The claims of an access token that passed every check. Times are epoch seconds. */
export interface AccessTokenClaims {
  issuer: string;
  subject: string;
  audience: string;
  tenant: string;
  scope: string[];
  issuedAt: number;
  expiresAt: number;
  tokenId: string;
  clientId: string;
  sessionId?: string;
}

/** Why a presented access token was refused: for the log; the client only ever sees `invalid_token`. */
export type TokenFailure =
  | "malformed"
  | "algorithm_not_allowed"
  | "unknown_key"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_audience"
  | "wrong_tenant"
  | "wrong_type";

export interface VerifyOptions {
  /** The issuer's published keys, e.g. `publicJwks(keys)` or its fetched `jwks_uri` document. */
  jwks: JSONWebKeySet;
  issuer: string;
  audience: string;
  /** The brand the token must be for; `"any"` only where the caller checks the tenant itself. */
  tenant: string;
  /** Epoch milliseconds; defaults to the clock. */
  now?: number;
  /** Allowed clock skew between issuer and verifier, in seconds. Defaults to 30. */
  clockToleranceSeconds?: number;
}

/**
 * One jose key set per JWKS document: it keeps the imported public keys, so a verifier holding the
 * same (per-isolate cached) document imports each key once rather than on every request.
 */
const keySets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

function keySetFor(jwks: JSONWebKeySet) {
  let keySet = keySets.get(jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(jwks);
    keySets.set(jwks, keySet);
  }
  return keySet;
}

/** Pass as `tenant` to accept a token of any brand (the issuer's own endpoints: userinfo, exchange). */
export const ANY_TENANT = "any";

/** Signs an ES256 access token (RFC 9068) with the current key. Throws on a misuse by the issuer. */
export async function issueAccessToken(
  key: SigningKey,
  claims: AccessTokenRequest,
  now: number = Date.now(),
): Promise<string> {
  const lifetime = claims.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > MAX_ACCESS_TOKEN_LIFETIME_SECONDS) {
    throw new RangeError(
      `access token lifetime must be 1..${MAX_ACCESS_TOKEN_LIFETIME_SECONDS} s, got ${lifetime}`,
    );
  }
  // A next key may not be in every client's JWKS yet; a retired one must not extend its own life.
  if (key.status !== "current") throw new Error(`signing key ${key.kid} is ${key.status}, not current`);
  if (claims.scope.some((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
    throw new RangeError("each scope must be a non-empty RFC 6749 scope-token");
  }
  const issuedAt = Math.floor(now / 1000);
  const privateKey = await importJWK(key.privateJwk, ALGORITHM);
  const payload: JWTPayload = {
    tenant: claims.tenant,
    scope: claims.scope.join(" "),
    client_id: claims.clientId,
  };
  if (claims.sessionId) payload.sid = claims.sessionId;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(claims.issuer)
    .setSubject(claims.subject)
    .setAudience(claims.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetime)
    .setJti(crypto.randomUUID())
    .sign(privateKey);
}

/** Checks an access token's algorithm, key, signature, type, times, issuer, audience and tenant. */
export async function verifyAccessToken(
  token: string,
  options: VerifyOptions,
): Promise<Result<AccessTokenClaims, TokenFailure>> {
  const header = readHeader(token);
  if (header === undefined) return err("malformed");
  // Decided before jose sees the token, so `none` and HS256 (the key-confusion attack) are named as such.
  if (header.alg !== ALGORITHM) return err("algorithm_not_allowed");
  // Our tokens always name their key; without a kid jose would try every key in the set.
  if (typeof header.kid !== "string") return err("malformed");

  // Outside the try: a malformed key set is our configuration bug, not the token's fault.
  const keySet = keySetFor(options.jwks);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySet, {
      algorithms: [ALGORITHM],
      typ: ACCESS_TOKEN_TYPE,
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ["iss", "sub", "aud", "exp", "iat", "jti", "tenant", "scope", "client_id"],
      // Also refuses an `iat` in the future, and any token older than we would ever issue.
      maxTokenAge: MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
      clockTolerance: options.clockToleranceSeconds ?? 30,
      currentDate: new Date(options.now ?? Date.now()),
    }));
  } catch (error) {
    return err(failureOf(error));
  }
  const claims = readClaims(payload);
  if (claims === undefined) return err("malformed");
  if (options.tenant !== ANY_TENANT && claims.tenant !== options.tenant) return err("wrong_tenant");
  return ok(claims);
}

function readHeader(token: string): { alg?: unknown; kid?: unknown } | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

// jose has checked presence, times, issuer and audience; what is left is that the types are ours.
function readClaims(payload: JWTPayload): AccessTokenClaims | undefined {
  const { iss, sub, aud, tenant, scope, iat, exp, jti, client_id, sid } = payload;
  if (
    typeof iss !== "string" ||
    typeof sub !== "string" ||
    typeof aud !== "string" ||
    typeof tenant !== "string" ||
    typeof scope !== "string" ||
    typeof iat !== "number" ||
    typeof exp !== "number" ||
    typeof jti !== "string" ||
    typeof client_id !== "string" ||
    (sid !== undefined && typeof sid !== "string")
  ) {
    return undefined;
  }
  return {
    issuer: iss,
    subject: sub,
    audience: aud,
    tenant,
    scope: scope.split(" ").filter((item) => item !== ""),
    issuedAt: iat,
    expiresAt: exp,
    tokenId: jti,
    clientId: client_id,
    ...(sid === undefined ? {} : { sessionId: sid }),
  };
}

const CLAIM_FAILURES: Record<string, TokenFailure> = {
  typ: "wrong_type",
  iss: "wrong_issuer",
  aud: "wrong_audience",
  nbf: "not_yet_valid",
  iat: "not_yet_valid",
};

function failureOf(error: unknown): TokenFailure {
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm_not_allowed";
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return "unknown_key";
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason !== "check_failed") return "malformed";
    return CLAIM_FAILURES[error.claim] ?? "malformed";
  }
  // A private or broken key in the set, or a bad option, is our bug and should be loud.
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid) throw error;
  if (error instanceof errors.JOSEError) return "malformed";
  throw error;
}
