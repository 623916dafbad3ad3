import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { issuerJwks } from "./issuer-keys";

const JwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal("EC"),
        crv: z.literal("P-256"),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
        alg: z.literal("ES256"),
        use: z.literal("sig"),
      }),
    ),
  })
  .openapi("JsonWebKeySet");

const route = defineRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["Identity"],
  summary: "The issuer's public signing keys (next, current and recently retired), on the auth host",
  responses: {
    200: { description: "RFC 7517 JWK Set.", content: { "application/json": { schema: JwksSchema } } },
  },
});

export function registerJwks(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    if (c.get("host").kind !== "auth")
      throw new ApiError("not_found", "The key set is served on the auth host.");
    const jwks = JwksSchema.parse(await issuerJwks(c.env));
    c.header("Cache-Control", "public, max-age=300");
    return c.json(jwks, 200);
  });
}
