import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { brandOf, manageWebhooks, noSuchEndpoint } from "./webhook-access";
import { findEndpoint } from "./webhooks.repo";
import { Endpoint, EndpointIdParam } from "./webhooks.schema";
import { endpointView } from "./webhooks.service";

const route = defineRoute({
  method: "get",
  path: "/v1/webhooks/endpoints/{id}",
  tags: ["Webhooks"],
  summary: "One webhook endpoint of this brand",
  security: [{ bearerAuth: [] }],
  middleware: [manageWebhooks] as const,
  request: { params: EndpointIdParam },
  responses: {
    200: {
      description: "The endpoint, without its secret.",
      content: { "application/json": { schema: Endpoint } },
    },
  },
});

export function registerGetEndpoint(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const row = await findEndpoint(c.get("services").db, brandOf(c), c.req.valid("param").id);
    if (!row) throw noSuchEndpoint();
    c.header("Cache-Control", "private, no-store");
    return c.json(endpointView(row), 200);
  });
}
