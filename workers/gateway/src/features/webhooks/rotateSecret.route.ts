import { registerCustomMethod } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { brandOf, manageWebhooks, noSuchEndpoint } from "./webhook-access";
import { ENDPOINT_ID_PATTERN, EndpointWithSecret, RotateSecretRequest } from "./webhooks.schema";
import { rotateSecret } from "./webhooks.service";

export function registerRotateSecret(app: OpenAPIHono<GatewayEnv>) {
  registerCustomMethod(app, {
    collection: "/v1/webhooks/endpoints",
    idPattern: ENDPOINT_ID_PATTERN,
    verb: "rotateSecret",
    body: RotateSecretRequest,
    middleware: [manageWebhooks],
    route: {
      tags: ["Webhooks"],
      summary: "Replaces an endpoint's signing secret",
      description:
        "Send `{}`. The old secret stops signing at once: every later attempt, retries included, is signed with the new one.",
      security: [{ bearerAuth: [] }],
      responses: {
        200: {
          description: "The endpoint, with its new signing secret shown this once.",
          content: { "application/json": { schema: EndpointWithSecret } },
        },
      },
    },
    handler: async (c, id) => {
      const rotated = await rotateSecret(c.get("services").db, c.env.WEBHOOK_SECRET_KEY, brandOf(c), id);
      if (!rotated) throw noSuchEndpoint();
      c.header("Cache-Control", "no-store");
      return c.json(rotated, 200);
    },
  });
}
