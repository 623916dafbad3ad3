import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { brandOf, manageWebhooks, noSuchEndpoint } from "./webhook-access";
import { deleteEndpoint } from "./webhooks.repo";
import { EndpointIdParam } from "./webhooks.schema";

const route = defineRoute({
  method: "delete",
  path: "/v1/webhooks/endpoints/{id}",
  tags: ["Webhooks"],
  summary: "Deletes a webhook endpoint and its delivery log",
  description: "Messages still queued for its deliveries are dropped when they come up.",
  security: [{ bearerAuth: [] }],
  middleware: [manageWebhooks] as const,
  request: { params: EndpointIdParam },
  responses: { 204: { description: "Deleted." } },
});

export function registerDeleteEndpoint(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    if (!(await deleteEndpoint(c.get("services").db, brandOf(c), c.req.valid("param").id))) {
      throw noSuchEndpoint();
    }
    return c.body(null, 204);
  });
}
