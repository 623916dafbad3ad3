import { NOTIFICATION_KINDS } from "@fun/db";
import { z } from "@hono/zod-openapi";
import { NOTIFICATION_ID } from "./notifications.repo";

const notificationId = z
  .string()
  .regex(NOTIFICATION_ID, "a notification id (ntf_…)")
  .openapi({ example: "ntf_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" });

export const NotificationSchema = z
  .object({
    id: notificationId,
    kind: z.enum(NOTIFICATION_KINDS).openapi({
      description:
        "`new_follower`: the actor followed you. `new_post`: the actor posted on this brand (`subjectId` is the post). `crosspost_done`: your post (`subjectId`) went live on the other brands it was cross-posted to.",
    }),
    actor: z
      .object({ id: z.string(), handle: z.string(), displayName: z.string() })
      .nullable()
      .openapi({ description: "Who did it; null for the platform's own notices (crosspost_done)." }),
    subjectId: z.string().nullable().openapi({ description: "What it is about (a post id), if anything." }),
    createdAt: z.string().openapi({ example: "2026-04-01T12:00:00.000Z" }),
    read: z.boolean(),
  })
  .openapi("Notification");

export const NotificationPageSchema = z
  .object({
    items: z.array(NotificationSchema),
    nextCursor: z.string().nullable().openapi({ description: "The next page's cursor; null at the end." }),
    unreadCount: z.number().int().openapi({ description: "Unread notifications on this brand, all pages." }),
  })
  .openapi("NotificationPage");

export const MarkReadRequestSchema = z
  .union([
    z.object({ ids: z.array(notificationId).min(1).max(100) }).strict(),
    z.object({ all: z.literal(true) }).strict(),
  ])
  .openapi("MarkNotificationsReadRequest", {
    description: "Either `ids` (at most 100) or `all: true` (every notification of yours on this brand).",
    example: { ids: ["ntf_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q"] },
  });

export const MarkReadResultSchema = z
  .object({
    marked: z.number().int().openapi({ description: "How many went from unread to read." }),
  })
  .openapi("MarkNotificationsReadResult");

export const DevPushSchema = z
  .object({
    id: z.string().openapi({ description: "The notification id for a notification's push." }),
    profileId: z.string(),
    tenantId: z.string(),
    title: z.string(),
    body: z.string(),
    url: z.string().nullable(),
    createdAt: z.number().int().openapi({ description: "When it was pushed, epoch ms." }),
  })
  .openapi("DevPush");
