import { decodeCursor, defineRoute, encodeCursor } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { callerInbox } from "./inbox-owner";
import { inboxPage, NOTIFICATION_ID, unreadCount } from "./notifications.repo";
import { NotificationPageSchema } from "./notifications.schema";

const route = defineRoute({
  method: "get",
  path: "/v1/notifications",
  tags: ["Notifications"],
  summary: "The caller's notifications on this brand, newest first, by cursor",
  description:
    "Only the caller's own profile's notifications, and only this brand's. `unread=true` lists unread ones only; `unread=false` (default) lists all. Pages are keyset cursors on (createdAt, id). `unreadCount` counts every unread notification on this brand. Notifications whose actor and the caller now block each other are not shown.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  request: {
    query: z.object({
      unread: z.enum(["true", "false"]).default("false"),
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(50).default(20),
    }),
  },
  responses: {
    200: {
      description: "A page, the next page's cursor and the unread count.",
      content: { "application/json": { schema: NotificationPageSchema } },
    },
  },
});

export function registerListNotifications(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const position = decodeCursor(query.cursor, "notifications", NOTIFICATION_ID);
    const cursor = position && { at: position.key, id: position.id };
    const { db, tenantId, profileId } = await callerInbox(c);
    c.header("Cache-Control", "private, no-store");
    if (!profileId) return c.json({ items: [], nextCursor: null, unreadCount: 0 }, 200);
    const inbox = { profileId, tenantId };
    const [rows, unread] = await Promise.all([
      inboxPage(db, inbox, { unreadOnly: query.unread === "true", cursor, limit: query.limit + 1 }),
      unreadCount(db, inbox),
    ]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return c.json(
      {
        items: page.map((row) => ({
          id: row.id,
          kind: row.kind,
          actor:
            row.actorId !== null && row.actorHandle !== null && row.actorDisplayName !== null
              ? { id: row.actorId, handle: row.actorHandle, displayName: row.actorDisplayName }
              : null,
          subjectId: row.subjectId,
          createdAt: new Date(row.createdAt).toISOString(),
          read: row.readAt !== null,
        })),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor("notifications", { key: last.createdAt, id: last.id })
            : null,
        unreadCount: unread,
      },
      200,
    );
  });
}
