import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { bearerTokenOf } from "../../middleware/authenticate";
import { identityClaims } from "./claims";
import { checkIssuedAccessToken } from "./issued-token";
import { NO_STORE } from "./oauth-errors";

const responses = {
  200: {
    description: "Claims about the signed-in account that the token's scopes release (OIDC Core §5.3).",
    content: {
      "application/json": {
        schema: {
          type: "object" as const,
          required: ["sub"],
          properties: {
            sub: { type: "string" as const },
            name: { type: "string" as const },
            preferred_username: { type: "string" as const },
            email: { type: "string" as const },
            email_verified: { type: "boolean" as const },
          },
        },
      },
    },
  },
  401: {
    description: "No valid access token (RFC 6750 §3: the reason is in WWW-Authenticate).",
    content: { "application/json": { schema: { type: "object" as const } } },
  },
};

const routes = (["get", "post"] as const).map((method) =>
  defineRoute({
    method,
    path: "/userinfo",
    tags: ["Identity"],
    summary: "OpenID Connect UserInfo on the auth host; send the access token as a Bearer header",
    security: [{ bearerAuth: [] }],
    responses,
  }),
);

function invalidToken(description: string): Response {
  return new Response(JSON.stringify({ error: "invalid_token", error_description: description }), {
    status: 401,
    headers: {
      ...NO_STORE,
      "Content-Type": "application/json",
      "WWW-Authenticate": `Bearer realm="fun-core", error="invalid_token", error_description="${description}"`,
    },
  });
}

async function userinfo(c: Context<GatewayEnv>): Promise<Response> {
  if (c.get("host").kind !== "auth") throw new ApiError("not_found", "UserInfo is served on the auth host.");
  const token = bearerTokenOf(c.req.header("authorization"));
  if (!token) {
    return new Response(null, {
      status: 401,
      headers: { ...NO_STORE, "WWW-Authenticate": 'Bearer realm="fun-core"' },
    });
  }
  const db = c.get("services").db;
  const checked = await checkIssuedAccessToken(c.env, db, token);
  if (!checked.ok) {
    c.get("logFields").authFailure = checked.error;
    return invalidToken("The access token is invalid, expired or its session has ended.");
  }
  const { subject, scope } = checked.value;
  if (!scope.includes("openid")) return invalidToken("The access token was not granted the openid scope.");
  return c.json({ sub: subject, ...(await identityClaims(db, subject, scope)) }, 200, NO_STORE);
}

export function registerUserinfo(app: OpenAPIHono<GatewayEnv>) {
  for (const route of routes) app.openapi(route, userinfo);
}
