import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { brandOf, manageWebhooks } from "./webhook-access";
import { EndpointWithSecret, NewEndpoint } from "./webhooks.schema";
import { createEndpoint } from "./webhooks.service";

const route = defineRoute({
  method: "post",
  path: "/v1/webhooks/endpoints",
  tags: ["Webhooks"],
  summary: "Registers a partner endpoint that this brand's events are sent to",
  description:
    "Deliveries follow Standard Webhooks: a JSON body `{type, timestamp, data}` signed with the secret returned here (and only here). Needs `webhooks:manage` on this brand.",
  security: [{ bearerAuth: [] }],
  middleware: [manageWebhooks] as const,
  request: { body: { required: true, content: { "application/json": { schema: NewEndpoint } } } },
  responses: {
    201: {
      description: "The endpoint, with its signing secret shown this once.",
      content: { "application/json": { schema: EndpointWithSecret } },
    },
  },
});

export function registerCreateEndpoint(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const created = await createEndpoint(c.get("services").db, c.env.WEBHOOK_SECRET_KEY, {
      tenantId: brandOf(c),
      createdBy: c.get("auth").claims.subject,
      url: body.url,
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.eventTypes !== undefined ? { eventTypes: body.eventTypes } : {}),
    });
    c.header("Cache-Control", "no-store");
    c.header("Location", `/v1/webhooks/endpoints/${created.id}`);
    return c.json(created, 201);
  });
}
