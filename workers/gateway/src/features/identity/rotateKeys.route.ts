import { defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requirePermission } from "../../middleware/authenticate";
import { issuerKeyRing } from "./issuer-keys";

const RotationSchema = z
  .object({
    kids: z.array(z.string()).openapi({ description: "The key ids now published, next key first." }),
  })
  .openapi("KeyRotation");

const route = defineRoute({
  method: "post",
  path: "/v1/admin/signing-keys/rotate",
  tags: ["Identity"],
  summary: "Rotates the issuer's signing keys now (they also rotate weekly on their own)",
  description:
    "The next key starts signing, the current one is retired but stays published until every token it signed has expired, and a new next key is published. Needs `keys:rotate`, a platform-wide permission.",
  security: [{ bearerAuth: [] }],
  middleware: [requirePermission("keys:rotate")] as const,
  responses: {
    200: {
      description: "The published key set after rotation.",
      content: { "application/json": { schema: RotationSchema } },
    },
  },
});

export function registerRotateKeys(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const jwks = await issuerKeyRing(c.env).rotate();
    c.get("logFields").keysRotatedBy = c.get("auth").claims.subject;
    return c.json({ kids: jwks.keys.flatMap((key) => (key.kid ? [key.kid] : [])) }, 200);
  });
}
