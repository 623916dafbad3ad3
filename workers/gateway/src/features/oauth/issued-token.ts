import { type AccessTokenClaims, ANY_TENANT, verifyAccessToken } from "@fun/auth";
import { err, ok, type Result } from "@fun/core";
import type { CoreDb } from "@fun/db";
import { jwksForToken } from "../identity/issuer-keys";
import { isActiveAccount } from "./oauth.repo";
import { sessionStoreFor } from "./token.service";

/**
 * Checks an access token the way the issuer's own endpoints must (userinfo, introspection): valid
 * for any brand, and, unlike the stateless check on every API call, its account still active and
 * its sign-in session not ended (a logout ends it at once here, not when the token expires).
 */
export async function checkIssuedAccessToken(
  env: Env,
  db: CoreDb,
  token: string,
): Promise<Result<AccessTokenClaims, string>> {
  const verified = await verifyAccessToken(token, {
    jwks: await jwksForToken(env, token),
    issuer: env.AUTH_ISSUER,
    audience: env.API_AUDIENCE,
    tenant: ANY_TENANT,
  });
  if (!verified.ok) return verified;
  const claims = verified.value;
  const [active, session] = await Promise.all([
    isActiveAccount(db, claims.subject),
    claims.sessionId ? sessionStoreFor(env, claims.subject).session(claims.sessionId) : Promise.resolve(null),
  ]);
  if (!active) return err("account_inactive");
  if (claims.sessionId && !session) return err("session_ended");
  return ok(claims);
}
