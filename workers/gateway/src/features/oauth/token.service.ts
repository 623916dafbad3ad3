import { ANY_TENANT, verifyAccessToken } from "@fun/auth";
import type { CoreDb, OAuthClientRow } from "@fun/db";
import { issuerKeyRing, jwksForToken } from "../identity/issuer-keys";
import { composeAccountSecret, parseAccountSecret } from "./account-secret";
import { identityClaims } from "./claims";
import { isActiveAccount } from "./oauth.repo";
import { OAuthError } from "./oauth-errors";

export const ACCESS_TOKEN_LIFETIME_SECONDS = 300;
/** Refresh tokens live 30 days from their last use (the SessionStore enforces it). */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
export const REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token";

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  issued_token_type?: string;
}

/** One account's SessionStore (sessions and refresh-token families). */
export function sessionStoreFor(env: Env, accountId: string) {
  return env.SESSIONS.get(env.SESSIONS.idFromName(accountId));
}

interface AccessGrant {
  accountId: string;
  tenantId: string;
  clientId: string;
  sessionId: string | undefined;
  scope: string[];
}

function issueFor(env: Env, grant: AccessGrant) {
  return issuerKeyRing(env).issueAccessToken({
    issuer: env.AUTH_ISSUER,
    subject: grant.accountId,
    audience: env.API_AUDIENCE,
    tenant: grant.tenantId,
    scope: grant.scope,
    clientId: grant.clientId,
    ...(grant.sessionId ? { sessionId: grant.sessionId } : {}),
    lifetimeSeconds: ACCESS_TOKEN_LIFETIME_SECONDS,
  });
}

const scopesOf = (scope: string) => scope.split(" ").filter(Boolean);

/**
 * The authorization_code grant: redeems the code in the account's SessionStore, which checks that
 * it is unused and unexpired, was issued to this client for this redirect URI, and that the PKCE
 * verifier matches; a second use revokes what the first one issued. Answers the access token, a
 * refresh token starting a new family in the sign-in session, and an ID token.
 */
export async function authorizationCodeGrant(
  env: Env,
  db: CoreDb,
  client: OAuthClientRow,
  request: { code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenResponse> {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(request.codeVerifier)) {
    throw new OAuthError("invalid_request", "code_verifier must be 43-128 unreserved characters (RFC 7636).");
  }
  const parsed = parseAccountSecret(request.code);
  if (!parsed) throw new OAuthError("invalid_grant", "The authorization code is not valid.");
  const redeemed = await sessionStoreFor(env, parsed.accountId).redeemAuthorizationCode(parsed.secret, {
    clientId: client.id,
    redirectUri: request.redirectUri,
    codeVerifier: request.codeVerifier,
  });
  if (!redeemed.ok) {
    const reasons = {
      invalid: "is not valid for this client and redirect_uri",
      expired: "has expired",
      reused: "was already used; the tokens it gave are revoked",
      pkce_mismatch: "does not match the code_verifier",
      revoked: "belongs to a session that has ended",
    } as const;
    throw new OAuthError("invalid_grant", `The authorization code ${reasons[redeemed.reason]}.`);
  }
  const { grant } = redeemed;
  if (!(await isActiveAccount(db, parsed.accountId)))
    throw new OAuthError("invalid_grant", "The account is not active.");
  const scope = scopesOf(grant.scope);
  const ring = issuerKeyRing(env);
  const [accessToken, idToken] = await Promise.all([
    issueFor(env, { accountId: parsed.accountId, ...grant, scope }),
    ring.issueIdToken({
      issuer: env.AUTH_ISSUER,
      subject: parsed.accountId,
      clientId: client.id,
      authTime: Math.floor(grant.authTime / 1000),
      ...(grant.nonce === null ? {} : { nonce: grant.nonce }),
      sessionId: grant.sessionId,
      amr: grant.amr,
      claims: await identityClaims(db, parsed.accountId, scope),
    }),
  ]);
  return {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    scope: grant.scope,
    refresh_token: composeAccountSecret(parsed.accountId, grant.token),
    id_token: idToken,
  };
}

/**
 * The refresh_token grant: rotates the token in the account's SessionStore (a replay after the grace
 * window revokes the family there) and issues a new access token for the family's brand.
 */
export async function refreshGrant(
  env: Env,
  db: CoreDb,
  client: OAuthClientRow,
  presented: string,
): Promise<TokenResponse> {
  const parsed = parseAccountSecret(presented);
  if (!parsed) throw new OAuthError("invalid_grant", "The refresh token is not valid.");
  const rotated = await sessionStoreFor(env, parsed.accountId).rotateRefreshToken(parsed.secret, {
    clientId: client.id,
  });
  if (!rotated.ok) throw new OAuthError("invalid_grant", `The refresh token is ${rotated.reason}.`);
  if (!(await isActiveAccount(db, parsed.accountId)))
    throw new OAuthError("invalid_grant", "The account is not active.");
  const { grant } = rotated;
  return {
    access_token: await issueFor(env, {
      accountId: parsed.accountId,
      ...grant,
      scope: scopesOf(grant.scope),
    }),
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    scope: grant.scope,
    refresh_token: composeAccountSecret(parsed.accountId, grant.token),
  };
}

/**
 * RFC 8693 token exchange, the seamless hop between brands: an access token of one brand, presented
 * by the web client of another, becomes an access token for the client's brand. Only our own
 * unexpired access tokens are accepted as subject tokens. When the subject token belongs to a
 * sign-in session that is still live, the new brand also gets a refresh token of its own in that
 * session, so signing out ends both; a token from an ended session is refused.
 */
export async function exchangeGrant(
  env: Env,
  db: CoreDb,
  client: OAuthClientRow,
  subjectToken: string,
  subjectTokenType: string,
): Promise<TokenResponse> {
  if (subjectTokenType !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError("invalid_request", `subject_token_type must be ${ACCESS_TOKEN_TYPE}.`);
  }
  const verified = await verifyAccessToken(subjectToken, {
    jwks: await jwksForToken(env, subjectToken),
    issuer: env.AUTH_ISSUER,
    audience: env.API_AUDIENCE,
    tenant: ANY_TENANT,
  });
  if (!verified.ok)
    throw new OAuthError("invalid_grant", `The subject token is not valid (${verified.error}).`);
  const { subject, scope, sessionId } = verified.value;
  if (!(await isActiveAccount(db, subject)))
    throw new OAuthError("invalid_grant", "The account is not active.");
  let refreshToken: string | undefined;
  if (sessionId) {
    const store = sessionStoreFor(env, subject);
    if (!(await store.session(sessionId)))
      throw new OAuthError("invalid_grant", "The subject token's session has ended.");
    const issued = await store.issueRefreshToken({
      sessionId,
      clientId: client.id,
      tenantId: client.tenantId,
      scope: scope.join(" "),
    });
    refreshToken = composeAccountSecret(subject, issued.token);
  }
  return {
    access_token: await issueFor(env, {
      accountId: subject,
      tenantId: client.tenantId,
      clientId: client.id,
      sessionId,
      scope,
    }),
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    scope: scope.join(" "),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
  };
}
