import { ApiError, defineRoute } from "@fun/http";
import { hasPermission, loadPrincipal } from "@fun/policy";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { bearerTokenOf } from "../../middleware/authenticate";
import { parseAccountSecret } from "./account-secret";
import { formBody } from "./html-route";
import { checkIssuedAccessToken } from "./issued-token";
import { findClient } from "./oauth.repo";
import { NO_STORE, OAuthError, oauthErrorResponse } from "./oauth-errors";
import { readForm } from "./oauth-form";
import { sessionStoreFor } from "./token.service";

const oauthError = {
  description: "OAuth error (RFC 6749 §5.2).",
  content: { "application/json": { schema: { type: "object" as const, required: ["error"] } } },
};

const revokeRoute = defineRoute({
  method: "post",
  path: "/revoke",
  tags: ["Identity"],
  summary: "RFC 7009 token revocation on the auth host: a refresh token ends its whole family",
  request: {
    body: formBody(
      { token: "The refresh token.", token_type_hint: "refresh_token (optional).", client_id: "The client." },
      ["token", "client_id"],
    ),
  },
  responses: {
    200: { description: "Revoked, or the token was not valid (RFC 7009 §2.2): the answer is the same." },
    400: oauthError,
    401: oauthError,
  },
});

const introspectRoute = defineRoute({
  method: "post",
  path: "/introspect",
  tags: ["Identity"],
  summary: "RFC 7662 token introspection on the auth host, for internal callers holding tokens:introspect",
  security: [{ bearerAuth: [] }],
  request: {
    body: formBody({ token: "An access or refresh token.", token_type_hint: "Optional." }, ["token"]),
  },
  responses: {
    200: {
      description: "Whether the token is active and, if it is, what it grants.",
      content: {
        "application/json": {
          schema: {
            type: "object" as const,
            required: ["active"],
            properties: {
              active: { type: "boolean" as const },
              token_type: { type: "string" as const },
              scope: { type: "string" as const },
              client_id: { type: "string" as const },
              sub: { type: "string" as const },
              exp: { type: "integer" as const },
              tenant: { type: "string" as const },
              sid: { type: "string" as const },
            },
          },
        },
      },
    },
    400: oauthError,
  },
});

const looksLikeJwt = (token: string) => token.split(".").length === 3;

async function oauthEndpoint(c: Context<GatewayEnv>, handle: () => Promise<Response>): Promise<Response> {
  if (c.get("host").kind !== "auth") throw new ApiError("not_found", "This endpoint is on the auth host.");
  try {
    return await handle();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    c.get("logFields").oauthError = error.code;
    return oauthErrorResponse(error, c.get("requestId"));
  }
}

export function registerRevocation(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(revokeRoute, (c) =>
    oauthEndpoint(c, async () => {
      const fields = await readForm(c.req.raw);
      if (!fields.token) throw new OAuthError("invalid_request", "token is required.");
      const client = fields.client_id ? await findClient(c.get("services").db, fields.client_id) : undefined;
      if (!client) throw new OAuthError("invalid_client", "Unknown client.");
      // Access tokens are short-lived JWTs checked without a lookup; end their session instead.
      if (looksLikeJwt(fields.token)) {
        throw new OAuthError("unsupported_token_type", "Only refresh tokens can be revoked here.");
      }
      const parsed = parseAccountSecret(fields.token);
      if (parsed) {
        const revoked = await sessionStoreFor(c.env, parsed.accountId).revokeRefreshToken(parsed.secret, {
          clientId: client.id,
        });
        c.get("logFields").revoked = revoked;
      }
      return new Response(null, { status: 200, headers: NO_STORE });
    }),
  );

  app.openapi(introspectRoute, (c) =>
    oauthEndpoint(c, async () => {
      const db = c.get("services").db;
      const callerToken = bearerTokenOf(c.req.header("authorization"));
      const caller = callerToken ? await checkIssuedAccessToken(c.env, db, callerToken) : undefined;
      if (!caller?.ok) throw new OAuthError("invalid_client", "Send an access token of an internal caller.");
      const principal = await loadPrincipal(db, caller.value.subject);
      if (!hasPermission(principal, "tokens:introspect", caller.value.tenant)) {
        throw new ApiError("forbidden", "Introspection needs the tokens:introspect permission.");
      }
      const fields = await readForm(c.req.raw);
      if (!fields.token) throw new OAuthError("invalid_request", "token is required.");
      return c.json(await introspect(c.env, db, fields.token), 200, NO_STORE);
    }),
  );
}

async function introspect(env: Env, db: GatewayEnv["Variables"]["services"]["db"], token: string) {
  if (looksLikeJwt(token)) {
    const checked = await checkIssuedAccessToken(env, db, token);
    if (!checked.ok) return { active: false };
    const claims = checked.value;
    return {
      active: true,
      token_type: "Bearer",
      scope: claims.scope.join(" "),
      client_id: claims.clientId,
      sub: claims.subject,
      aud: claims.audience,
      iss: claims.issuer,
      exp: claims.expiresAt,
      iat: claims.issuedAt,
      jti: claims.tokenId,
      tenant: claims.tenant,
      ...(claims.sessionId ? { sid: claims.sessionId } : {}),
    };
  }
  const parsed = parseAccountSecret(token);
  if (!parsed) return { active: false };
  const described = await sessionStoreFor(env, parsed.accountId).describeRefreshToken(parsed.secret);
  if (!described.active) return { active: false };
  return {
    active: true,
    token_type: "refresh_token",
    scope: described.scope,
    client_id: described.clientId,
    sub: parsed.accountId,
    exp: Math.floor(described.expiresAt / 1000),
    tenant: described.tenantId,
    sid: described.sessionId,
  };
}
