import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { callerInbox } from "./inbox-owner";
import { markRead } from "./notifications.repo";
import { MarkReadRequestSchema, MarkReadResultSchema } from "./notifications.schema";

// A collection-level AIP-136 custom method. `registerCustomMethod` (@fun/http) serves
// `{collection}/{id}:verb` only; with no id, Hono matches this literal path as it is.
const route = defineRoute({
  method: "post",
  path: "/v1/notifications:markRead",
  tags: ["Notifications"],
  summary: "Marks some or all of the caller's notifications on this brand read",
  description:
    "Only the caller's own unread notifications on this brand change. Ids that are someone else's, another brand's, already read or unknown are not an error: they are left alone and not counted, so the answer never tells whether someone else's id exists.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  request: {
    body: { required: true, content: { "application/json": { schema: MarkReadRequestSchema } } },
  },
  responses: {
    200: {
      description: "How many notifications changed.",
      content: { "application/json": { schema: MarkReadResultSchema } },
    },
  },
});

export function registerMarkRead(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const which = c.req.valid("json");
    const { db, tenantId, profileId } = await callerInbox(c);
    const marked = profileId ? await markRead(db, { profileId, tenantId }, which, Date.now()) : 0;
    return c.json({ marked }, 200);
  });
}
