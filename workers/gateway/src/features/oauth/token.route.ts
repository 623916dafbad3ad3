import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { GatewayEnv } from "../../context";
import { findClient } from "./oauth.repo";
import { NO_STORE, OAuthError, oauthErrorResponse } from "./oauth-errors";
import { FORM, readForm } from "./oauth-form";
import { authorizationCodeGrant, exchangeGrant, refreshGrant, TOKEN_EXCHANGE_GRANT } from "./token.service";

const TokenRequestSchema = z.discriminatedUnion("grant_type", [
  z.object({
    grant_type: z.literal("authorization_code"),
    client_id: z.string().min(1),
    code: z.string().min(1),
    redirect_uri: z.string().min(1),
    code_verifier: z.string().min(1),
  }),
  z.object({
    grant_type: z.literal("refresh_token"),
    client_id: z.string().min(1),
    refresh_token: z.string().min(1),
  }),
  z.object({
    grant_type: z.literal(TOKEN_EXCHANGE_GRANT),
    client_id: z.string().min(1),
    subject_token: z.string().min(1),
    subject_token_type: z.string().min(1),
  }),
]);

// Documented as a plain OpenAPI schema so the generic validator stays out of the way: this endpoint
// answers in OAuth's error format (RFC 6749 §5.2), not problem+json.
const route = defineRoute({
  method: "post",
  path: "/token",
  tags: ["Identity"],
  summary:
    "OAuth 2.0 token endpoint on the auth host: authorization_code (PKCE), refresh_token and RFC 8693 token exchange",
  request: {
    body: {
      required: true,
      content: {
        [FORM]: {
          schema: {
            type: "object",
            required: ["grant_type", "client_id"],
            properties: {
              grant_type: {
                type: "string",
                enum: ["authorization_code", "refresh_token", TOKEN_EXCHANGE_GRANT],
              },
              client_id: { type: "string", example: "pupfanz-web" },
              code: { type: "string" },
              redirect_uri: { type: "string" },
              code_verifier: { type: "string" },
              refresh_token: { type: "string" },
              subject_token: { type: "string" },
              subject_token_type: {
                type: "string",
                example: "urn:ietf:params:oauth:token-type:access_token",
              },
            },
          },
        },
      },
    },
  },
  responses: {
    200: {
      description: "Tokens (RFC 6749 §5.1; RFC 8693 §2.2.1 for an exchange).",
      content: {
        "application/json": {
          schema: {
            type: "object",
            required: ["access_token", "token_type", "expires_in"],
            properties: {
              access_token: { type: "string" },
              token_type: { type: "string", enum: ["Bearer"] },
              expires_in: { type: "integer" },
              scope: { type: "string" },
              refresh_token: { type: "string" },
              id_token: { type: "string" },
              issued_token_type: { type: "string" },
            },
          },
        },
      },
    },
    400: {
      description: "OAuth error (RFC 6749 §5.2).",
      content: {
        "application/json": {
          schema: {
            type: "object",
            required: ["error"],
            properties: { error: { type: "string" }, error_description: { type: "string" } },
          },
        },
      },
    },
  },
});

export function registerToken(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    if (c.get("host").kind !== "auth")
      throw new ApiError("not_found", "The token endpoint is on the auth host.");
    try {
      const fields = await readForm(c.req.raw);
      if (!fields.grant_type) throw new OAuthError("invalid_request", "grant_type is required.");
      const parsed = TokenRequestSchema.safeParse(fields);
      if (!parsed.success) {
        const known = ["authorization_code", "refresh_token", TOKEN_EXCHANGE_GRANT].includes(
          fields.grant_type,
        );
        if (!known)
          throw new OAuthError("unsupported_grant_type", `${fields.grant_type} is not supported here.`);
        const missing = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
        throw new OAuthError("invalid_request", `Missing or invalid: ${missing}.`);
      }
      const request = parsed.data;
      const db = c.get("services").db;
      const client = await findClient(db, request.client_id);
      if (!client) throw new OAuthError("invalid_client", "Unknown client.");
      if (!client.grantTypes.includes(request.grant_type)) {
        throw new OAuthError("unauthorized_client", `This client may not use ${request.grant_type}.`);
      }
      c.get("logFields").client = client.id;
      const tokens =
        request.grant_type === "authorization_code"
          ? await authorizationCodeGrant(c.env, db, client, {
              code: request.code,
              redirectUri: request.redirect_uri,
              codeVerifier: request.code_verifier,
            })
          : request.grant_type === "refresh_token"
            ? await refreshGrant(c.env, db, client, request.refresh_token)
            : await exchangeGrant(c.env, db, client, request.subject_token, request.subject_token_type);
      return c.json(tokens, 200, NO_STORE);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      c.get("logFields").oauthError = error.code;
      return oauthErrorResponse(error, c.get("requestId"));
    }
  });
}
