import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { brandOf, manageWebhooks } from "./webhook-access";
import { listEndpoints } from "./webhooks.repo";
import { EndpointList } from "./webhooks.schema";
import { endpointView } from "./webhooks.service";

const route = defineRoute({
  method: "get",
  path: "/v1/webhooks/endpoints",
  tags: ["Webhooks"],
  summary: "This brand's webhook endpoints, oldest first",
  security: [{ bearerAuth: [] }],
  middleware: [manageWebhooks] as const,
  responses: {
    200: {
      description: "Every endpoint of this brand (never another brand's); secrets are not shown.",
      content: { "application/json": { schema: EndpointList } },
    },
  },
});

export function registerListEndpoints(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const rows = await listEndpoints(c.get("services").db, brandOf(c));
    c.header("Cache-Control", "private, no-store");
    return c.json({ endpoints: rows.map(endpointView) }, 200);
  });
}
