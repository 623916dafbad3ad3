import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { SUPPORTED_CLAIMS, SUPPORTED_SCOPES } from "./claims";
import { TOKEN_EXCHANGE_GRANT } from "./token.service";

const DiscoverySchema = z
  .object({
    issuer: z.string(),
    authorization_endpoint: z.string(),
    token_endpoint: z.string(),
    userinfo_endpoint: z.string(),
    jwks_uri: z.string(),
    revocation_endpoint: z.string(),
    introspection_endpoint: z.string(),
    end_session_endpoint: z.string(),
    scopes_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    response_modes_supported: z.array(z.string()),
    grant_types_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    introspection_endpoint_auth_methods_supported: z.array(z.string()),
    code_challenge_methods_supported: z.array(z.string()),
    prompt_values_supported: z.array(z.string()),
    authorization_response_iss_parameter_supported: z.boolean(),
    claims_parameter_supported: z.boolean(),
    request_parameter_supported: z.boolean(),
    request_uri_parameter_supported: z.boolean(),
  })
  .openapi("OpenIdConfiguration");

const route = defineRoute({
  method: "get",
  path: "/.well-known/openid-configuration",
  tags: ["Identity"],
  summary: "OpenID Connect discovery on the auth host: exactly what the issuer implements",
  responses: {
    200: {
      description: "OpenID Provider Metadata (OIDC Discovery 1.0 §3).",
      content: { "application/json": { schema: DiscoverySchema } },
    },
  },
});

/** The issuer's metadata. Everything advertised here is implemented and tested; nothing more. */
export function discoveryDocument(issuer: string): z.infer<typeof DiscoverySchema> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    end_session_endpoint: `${issuer}/logout`,
    scopes_supported: [...SUPPORTED_SCOPES],
    claims_supported: [...SUPPORTED_CLAIMS],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token", TOKEN_EXCHANGE_GRANT],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    // The brands' web apps are public clients: they prove possession of the code with PKCE.
    token_endpoint_auth_methods_supported: ["none"],
    revocation_endpoint_auth_methods_supported: ["none"],
    // Internal callers present an access token carrying the tokens:introspect permission.
    introspection_endpoint_auth_methods_supported: ["bearer"],
    code_challenge_methods_supported: ["S256"],
    prompt_values_supported: ["none", "login", "consent", "select_account"],
    authorization_response_iss_parameter_supported: true,
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

export function registerDiscovery(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, (c) => {
    if (c.get("host").kind !== "auth")
      throw new ApiError("not_found", "Discovery is served on the auth host.");
    c.header("Cache-Control", "public, max-age=300");
    return c.json(discoveryDocument(c.env.AUTH_ISSUER), 200);
  });
}
