import type { CoreDb, NotificationRow } from "@fun/db";
import type { CloudEvent } from "@fun/events";
import { notificationsInboxProjection } from "./inbox.projection";
import { notificationsOfEvent, recordPushed, wasPushed } from "./notifications.repo";
import { type PushMessage, pushSenderFor } from "./push-sender";

/** Pushes sent at once; a post with many followers is pushed in waves of this many. */
const PUSH_CONCURRENCY = 25;

type Notified = Awaited<ReturnType<typeof notificationsOfEvent>>[number];

/**
 * What a push says. Lock screens are public, so a push names who acted and never the post's title
 * or caption.
 */
export function pushMessageFor(notification: Notified, event: CloudEvent): PushMessage {
  const who = `${notification.actorDisplayName ?? "Someone"} (@${notification.actorHandle ?? "unknown"})`;
  const text: Record<NotificationRow["kind"], { title: string; body: string }> = {
    new_follower: { title: "New follower", body: `${who} followed you on ${notification.tenantName}.` },
    new_post: { title: "New post", body: `${who} posted something new on ${notification.tenantName}.` },
    crosspost_done: {
      title: "Cross-post live",
      body: `Your post is live on ${crosspostTargets(event) ?? "your other brands"}.`,
    },
  };
  return {
    id: notification.id,
    profileId: notification.profileId,
    tenantId: notification.tenantId,
    ...text[notification.kind],
  };
}

function crosspostTargets(event: CloudEvent): string | undefined {
  const toTenants = (event.data as { toTenants?: unknown }).toTenants;
  return Array.isArray(toTenants) ? toTenants.join(", ") : undefined;
}

/**
 * Pushes the notifications an event created, once. The events consumer calls it after its
 * projections ran for the event, on every delivery of it: after a redelivery whose inbox write was a
 * duplicate too, because the first run may have stopped between that write and the pushes. A
 * receipt written once every push went out stops later deliveries; a run that stopped halfway sends
 * again, and the push's id (the notification id) makes that second send a no-op in the dev log (and
 * a collapse id at a provider). Answers how many were pushed.
 */
export async function pushNotificationsFor(env: Env, db: CoreDb, event: CloudEvent): Promise<number> {
  if (!notificationsInboxProjection.accepts(event) || (await wasPushed(db, event.id))) return 0;
  const notified = await notificationsOfEvent(db, event.id);
  if (notified.length === 0) return 0;
  // Only now: a deployment without push delivery fails on events that would push, not on all.
  const sender = pushSenderFor(env, db);
  for (let i = 0; i < notified.length; i += PUSH_CONCURRENCY) {
    await Promise.all(
      notified.slice(i, i + PUSH_CONCURRENCY).map((row) => sender.send(pushMessageFor(row, event))),
    );
  }
  await recordPushed(db, event.id);
  return notified.length;
}
