import { type AccessTokenClaims, type TokenFailure, verifyAccessToken } from "@fun/auth";
import { ApiError } from "@fun/http";
import { hasPermission, loadPrincipal } from "@fun/policy";
import type { Context, MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context";
import { jwksForToken } from "../features/identity/issuer-keys";

// RFC 6750 §2.1 token68; the scheme name is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/** The token of an `Authorization: Bearer …` header, if that is what it holds. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  return BEARER.exec(header ?? "")?.[1];
}

function unauthenticated(detail: string, tokenError?: "invalid_token"): ApiError {
  // RFC 6750 §3: tell the client how to authenticate, and whether the token it sent was the problem.
  const challenge = tokenError ? `Bearer realm="fun-core", error="${tokenError}"` : 'Bearer realm="fun-core"';
  return new ApiError("unauthenticated", detail, { headers: { "WWW-Authenticate": challenge } });
}

function detailFor(failure: TokenFailure): string {
  return failure === "wrong_tenant"
    ? "This access token is for another brand; exchange it for one for this brand first."
    : "The access token is invalid or expired.";
}

/**
 * Requires a valid access token for the brand of this host: ES256 only, signed by the issuer's key
 * ring, for our API, not expired, and issued for this brand (a token from another brand must be
 * exchanged first). The reason a token failed goes to the log, never to the client.
 */
export const requireAccount: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "This host does not serve a brand.");
  const token = bearerTokenOf(c.req.header("authorization"));
  if (!token) throw unauthenticated("Send an access token: Authorization: Bearer <token>.");
  const result = await verifyAccessToken(token, {
    jwks: await jwksForToken(c.env, token),
    issuer: c.env.AUTH_ISSUER,
    audience: c.env.API_AUDIENCE,
    tenant: host.tenant.id,
  });
  if (!result.ok) {
    c.get("logFields").authFailure = result.error;
    throw unauthenticated(detailFor(result.error), "invalid_token");
  }
  c.get("logFields").account = result.value.subject;
  c.set("auth", { claims: result.value });
  await next();
};

/**
 * For public routes that answer a signed-in caller differently (blocks, entitlements): a request
 * without an Authorization header goes on anonymously, one with a token must carry a valid one.
 * Read the result with `callerOf(c)`.
 */
export const identifyAccount: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  if (c.req.header("authorization") === undefined) return next();
  return requireAccount(c, next);
};

/** The verified caller of a route behind `identifyAccount`, or undefined when anonymous. */
export function callerOf(c: Context<GatewayEnv>): AccessTokenClaims | undefined {
  return (c.get("auth") as GatewayEnv["Variables"]["auth"] | undefined)?.claims;
}

/**
 * Requires an access token (as `requireAccount`) whose account holds `permission` on this brand:
 * a global grant, or one scoped to this tenant. Resource-level rules (ownership, staff scope) are
 * then asked of `authorize` from @fun/policy inside the service.
 */
export function requirePermission(permission: string): MiddlewareHandler<GatewayEnv> {
  return (c, next) =>
    requireAccount(c, async () => {
      const { claims } = c.get("auth");
      const host = c.get("host");
      const principal = await loadPrincipal(c.get("services").db, claims.subject);
      if (host.kind !== "tenant" || !hasPermission(principal, permission, host.tenant.id)) {
        throw new ApiError("forbidden", `This needs the ${permission} permission on this brand.`);
      }
      c.set("auth", { claims, principal });
      await next();
    });
}
