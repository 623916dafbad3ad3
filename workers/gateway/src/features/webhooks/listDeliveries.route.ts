import { decodeCursor, defineRoute, encodeCursor } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { brandOf, manageWebhooks, noSuchEndpoint } from "./webhook-access";
import { deliveryPage, findEndpoint } from "./webhooks.repo";
import { DeliveryPage, DeliveryQuery, EndpointIdParam } from "./webhooks.schema";

const route = defineRoute({
  method: "get",
  path: "/v1/webhooks/endpoints/{id}/deliveries",
  tags: ["Webhooks"],
  summary: "An endpoint's delivery log: each event sent to it, newest first, with every attempt",
  description:
    "Pages are keyset cursors on (created time, delivery id): deliveries made while you page never make one repeat or skip.",
  security: [{ bearerAuth: [] }],
  middleware: [manageWebhooks] as const,
  request: { params: EndpointIdParam, query: DeliveryQuery },
  responses: {
    200: {
      description: "A page and the cursor of the next one (null at the end).",
      content: { "application/json": { schema: DeliveryPage } },
    },
  },
});

const DELIVERY_ID = /^msg_[0-9A-Z]{26}$/;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function registerListDeliveries(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const position = decodeCursor(query.cursor, "the delivery log", DELIVERY_ID);
    const cursor = position && { createdAt: position.key, id: position.id };
    const db = c.get("services").db;
    if (!(await findEndpoint(db, brandOf(c), id))) throw noSuchEndpoint();
    const rows = await deliveryPage(db, id, { ...(cursor ? { cursor } : {}), limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1)?.delivery;
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        deliveries: page.map(({ delivery, attempts }) => ({
          id: delivery.id,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
          status: delivery.status,
          payload: JSON.parse(delivery.payload) as unknown,
          lastStatusCode: delivery.lastStatusCode,
          lastError: delivery.lastError,
          nextAttemptAt: delivery.status === "pending" ? iso(delivery.nextAttemptAt) : null,
          createdAt: new Date(delivery.createdAt).toISOString(),
          attempts: attempts.map((attempt) => ({
            attempt: attempt.attempt,
            statusCode: attempt.statusCode,
            error: attempt.error,
            durationMs: attempt.durationMs,
            attemptedAt: new Date(attempt.attemptedAt).toISOString(),
          })),
        })),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor("the delivery log", { key: last.createdAt, id: last.id })
            : null,
      },
      200,
    );
  });
}
