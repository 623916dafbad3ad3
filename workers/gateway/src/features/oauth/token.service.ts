import { verifyAccessToken } from "@fun/auth";
import type { CoreDb, OAuthClientRow } from "@fun/db";
import { decodeJwt } from "jose";
import { issuerKeyRing, jwksForToken } from "../identity/issuer-keys";
import { isActiveAccount } from "./oauth.repo";
import { OAuthError } from "./oauth-errors";
import { composeRefreshToken, parseRefreshToken } from "./refresh-token";

export const ACCESS_TOKEN_LIFETIME_SECONDS = 300;
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
  issued_token_type?: string;
}

/** One account's SessionStore (sessions and refresh-token families). */
export function sessionStoreFor(env: Env, accountId: string) {
  return env.SESSIONS.get(env.SESSIONS.idFromName(accountId));
}

function issueFor(env: Env, accountId: string, tenantId: string, scope: string[]) {
  return issuerKeyRing(env).issueAccessToken({
    issuer: env.AUTH_ISSUER,
    subject: accountId,
    audience: env.API_AUDIENCE,
    tenant: tenantId,
    scope,
    lifetimeSeconds: ACCESS_TOKEN_LIFETIME_SECONDS,
  });
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
  const parsed = parseRefreshToken(presented);
  if (!parsed) throw new OAuthError("invalid_grant", "The refresh token is not valid.");
  const rotated = await sessionStoreFor(env, parsed.accountId).rotateRefreshToken(parsed.secret, {
    clientId: client.id,
  });
  if (!rotated.ok) throw new OAuthError("invalid_grant", `The refresh token is ${rotated.reason}.`);
  if (!(await isActiveAccount(db, parsed.accountId)))
    throw new OAuthError("invalid_grant", "The account is not active.");
  const { grant } = rotated;
  const scope = grant.scope.split(" ").filter(Boolean);
  return {
    access_token: await issueFor(env, parsed.accountId, grant.tenantId, scope),
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    scope: grant.scope,
    refresh_token: composeRefreshToken(parsed.accountId, grant.token),
  };
}

/**
 * RFC 8693 token exchange, the seamless hop between brands: an access token of one brand, presented
 * by the web client of another, becomes an access token for the client's brand. Only our own
 * unexpired access tokens are accepted as subject tokens.
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
  // The signature covers the tenant claim, so reading it first only picks what to verify against.
  let tenant: unknown;
  try {
    tenant = decodeJwt(subjectToken).tenant;
  } catch {
    throw new OAuthError("invalid_grant", "The subject token is not valid.");
  }
  if (typeof tenant !== "string") throw new OAuthError("invalid_grant", "The subject token is not valid.");
  const verified = await verifyAccessToken(subjectToken, {
    jwks: await jwksForToken(env, subjectToken),
    issuer: env.AUTH_ISSUER,
    audience: env.API_AUDIENCE,
    tenant,
  });
  if (!verified.ok)
    throw new OAuthError("invalid_grant", `The subject token is not valid (${verified.error}).`);
  const { subject, scope } = verified.value;
  if (!(await isActiveAccount(db, subject)))
    throw new OAuthError("invalid_grant", "The account is not active.");
  return {
    access_token: await issueFor(env, subject, client.tenantId, scope),
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    scope: scope.join(" "),
  };
}
