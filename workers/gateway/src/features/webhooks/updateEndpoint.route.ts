import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { brandOf, manageWebhooks, noSuchEndpoint } from "./webhook-access";
import { Endpoint, EndpointChanges, EndpointIdParam } from "./webhooks.schema";
import { changeEndpoint } from "./webhooks.service";

const route = defineRoute({
  method: "patch",
  path: "/v1/webhooks/endpoints/{id}",
  tags: ["Webhooks"],
  summary: "Changes a webhook endpoint's URL, description, event types or status",
  description:
    "A disabled endpoint is sent no new events, and its pending deliveries are given up (dead) at their next attempt.",
  security: [{ bearerAuth: [] }],
  middleware: [manageWebhooks] as const,
  request: {
    params: EndpointIdParam,
    body: { required: true, content: { "application/json": { schema: EndpointChanges } } },
  },
  responses: {
    200: { description: "The endpoint as it is now.", content: { "application/json": { schema: Endpoint } } },
  },
});

export function registerUpdateEndpoint(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const changed = await changeEndpoint(
      c.get("services").db,
      brandOf(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    if (!changed) throw noSuchEndpoint();
    return c.json(changed, 200);
  });
}
