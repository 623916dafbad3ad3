import {
  createLocalJWKSet,
  decodeJwt,
  importJWK,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import type { SigningKey } from "./signing-keys";

/** ID tokens are read once, right after the code exchange; they need not outlive an access token. */
export const ID_TOKEN_LIFETIME_SECONDS = 600;

/** What the issuer puts in an OpenID Connect ID token (OIDC Core §2). */
export interface IdTokenRequest {
  issuer: string;
  subject: string;
  /** The client the token is for. */
  clientId: string;
  /** When the user last authenticated, epoch seconds. */
  authTime: number;
  /** Echoed from the authorization request, when it had one. */
  nonce?: string;
  /** The issuer session (`sid`), which RP-initiated logout ends. */
  sessionId: string;
  /** How the user authenticated (RFC 8176 values such as `pwd`, `hwk`, `fed`). */
  amr: string[];
  /** Profile and email claims allowed by the granted scopes. */
  claims?: Record<string, string | boolean | null>;
}

/**
 * Signs an ID token with the current key. It carries the standard `typ: JWT`, never `at+jwt`, so it
 * cannot pass as an access token (RFC 9068 §4), and `aud` is the client, not our API.
 */
export async function issueIdToken(
  key: SigningKey,
  request: IdTokenRequest,
  now: number = Date.now(),
): Promise<string> {
  if (key.status !== "current") throw new Error(`signing key ${key.kid} is ${key.status}, not current`);
  const issuedAt = Math.floor(now / 1000);
  const payload: JWTPayload = {
    ...request.claims,
    auth_time: request.authTime,
    sid: request.sessionId,
    amr: request.amr,
    azp: request.clientId,
  };
  if (request.nonce !== undefined) payload.nonce = request.nonce;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .setIssuer(request.issuer)
    .setSubject(request.subject)
    .setAudience(request.clientId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ID_TOKEN_LIFETIME_SECONDS)
    .sign(await importJWK(key.privateJwk, "ES256"));
}

/** What an `id_token_hint` tells the logout endpoint, once its signature and issuer check out. */
export interface IdTokenHint {
  subject: string;
  clientId: string;
  sessionId: string | undefined;
}

/**
 * Verifies an ID token we issued, as an `id_token_hint` (RP-initiated logout): the signature, the
 * algorithm, the type and the issuer must be right, but an expired one is still a good hint
 * (OIDC RP-Initiated Logout §2). Undefined when it is not one of ours.
 */
export async function verifyIdTokenHint(
  token: string,
  options: { jwks: JSONWebKeySet; issuer: string },
): Promise<IdTokenHint | undefined> {
  let issuedAt: unknown;
  try {
    issuedAt = decodeJwt(token).iat;
  } catch {
    return undefined;
  }
  if (typeof issuedAt !== "number") return undefined;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(options.jwks), {
      algorithms: ["ES256"],
      typ: "JWT",
      issuer: options.issuer,
      requiredClaims: ["sub", "aud", "iat"],
      // Checked as of its own issue time: expiry does not matter for a hint, the signature does.
      currentDate: new Date(issuedAt * 1000),
    });
    const { sub, aud, sid } = payload;
    if (typeof sub !== "string" || typeof aud !== "string") return undefined;
    return { subject: sub, clientId: aud, sessionId: typeof sid === "string" ? sid : undefined };
  } catch {
    return undefined;
  }
}
