import { block, type CoreDb, devPush, eventReceipt, newIdSql, notification, profile, tenant } from "@fun/db";
import { and, count, desc, eq, inArray, isNull, lt, notExists, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";

/**
 * Notification ids have our prefixed-ULID shape, `ntf_` + 26 Crockford characters, but are made
 * inside INSERT … SELECT (one row per recipient, `newIdSql` with the event's time). One
 * notification per event, recipient and brand comes from the `notification_event_recipient` unique
 * index, not from the id: re-applying an event adds nothing.
 */
export const NOTIFICATION_ID = /^ntf_[0-9A-Z]{26}$/;

/** The event a notification comes from: its id (for uniqueness) and time (the notification's). */
export interface NotificationOrigin {
  eventId: string;
  at: number;
}

const newNotificationId = (at: number) => newIdSql("notification", at);

/**
 * INSERT … SELECT of notifications, each row once per (event, recipient, brand). `rows` selects, in
 * the table's column order: id, profile_id, tenant_id, kind, actor_profile_id, subject_id, event_id,
 * created_at, read_at. (Built on drizzle's insert so it can go in a D1 batch; `db.run` cannot.)
 */
function insertNotifications(db: CoreDb, rows: SQL) {
  return db
    .insert(notification)
    .select(rows)
    .onConflictDoNothing({ target: [notification.eventId, notification.profileId, notification.tenantId] });
}

/** `new_follower` to the followee on the brand (slug) where the follow happened, if it still stands. */
export function insertNewFollower(
  db: CoreDb,
  origin: NotificationOrigin,
  follow: { followerId: string; followeeId: string; tenantSlug: string },
) {
  return insertNotifications(
    db,
    sql`SELECT ${newNotificationId(origin.at)}, f.followee_id, t.id, 'new_follower', f.follower_id, NULL,
               ${origin.eventId}, ${origin.at}, NULL
        FROM follow f JOIN tenant t ON t.slug = ${follow.tenantSlug}
        WHERE f.follower_id = ${follow.followerId} AND f.followee_id = ${follow.followeeId}`,
  );
}

/**
 * `new_post` to every follower of the post's creator, on each brand (slug) where the post is
 * published and the creator's presence is visible, except followers in a block with the creator
 * (either way).
 */
export function insertNewPost(
  db: CoreDb,
  origin: NotificationOrigin,
  post: { contentId: string; tenantSlugs: string[] },
) {
  return insertNotifications(
    db,
    sql`SELECT ${newNotificationId(origin.at)}, f.follower_id, t.id, 'new_post', c.creator_profile_id, c.id,
               ${origin.eventId}, ${origin.at}, NULL
        FROM content c
        JOIN tenant t ON t.slug IN (SELECT value FROM json_each(${JSON.stringify(post.tenantSlugs)}))
        JOIN content_tenant_map m ON m.content_id = c.id AND m.tenant_id = t.id AND m.status = 'published'
        JOIN profile_tenant pt
          ON pt.profile_id = c.creator_profile_id AND pt.tenant_id = t.id AND pt.is_visible = 1
        JOIN follow f ON f.followee_id = c.creator_profile_id
        WHERE c.id = ${post.contentId}
          AND NOT EXISTS (SELECT 1 FROM block b
                          WHERE (b.blocker_id = f.follower_id AND b.blocked_id = c.creator_profile_id)
                             OR (b.blocker_id = c.creator_profile_id AND b.blocked_id = f.follower_id))`,
  );
}

/** `crosspost_done` to the post's creator on the brand (slug) it was cross-posted from. */
export function insertCrosspostDone(
  db: CoreDb,
  origin: NotificationOrigin,
  post: { contentId: string; fromTenantSlug: string },
) {
  return insertNotifications(
    db,
    sql`SELECT ${newNotificationId(origin.at)}, c.creator_profile_id, t.id, 'crosspost_done', NULL, c.id,
               ${origin.eventId}, ${origin.at}, NULL
        FROM content c JOIN tenant t ON t.slug = ${post.fromTenantSlug}
        WHERE c.id = ${post.contentId}`,
  );
}

export interface InboxCursor {
  /** created_at of the last item shown. */
  at: number;
  /** Its id: the tie-breaker, so a page never repeats or skips items created in the same ms. */
  id: string;
}

const actor = alias(profile, "actor");

/** Whether the recipient and the notification's actor block each other now: then it is not shown. */
function actorBlocked(db: CoreDb, recipientId: string) {
  return db
    .select({ one: block.blockerId })
    .from(block)
    .where(
      or(
        and(eq(block.blockerId, recipientId), eq(block.blockedId, notification.actorProfileId)),
        and(eq(block.blockerId, notification.actorProfileId), eq(block.blockedId, recipientId)),
      ),
    );
}

/** One page of a profile's inbox on one brand, newest first (the notification_inbox index). */
export function inboxPage(
  db: CoreDb,
  inbox: { profileId: string; tenantId: string },
  options: { unreadOnly: boolean; cursor?: InboxCursor | undefined; limit: number },
) {
  const { cursor } = options;
  return db
    .select({
      id: notification.id,
      kind: notification.kind,
      subjectId: notification.subjectId,
      createdAt: notification.createdAt,
      readAt: notification.readAt,
      actorId: actor.id,
      actorHandle: actor.handle,
      actorDisplayName: actor.displayName,
    })
    .from(notification)
    .leftJoin(actor, eq(actor.id, notification.actorProfileId))
    .where(
      and(
        eq(notification.profileId, inbox.profileId),
        eq(notification.tenantId, inbox.tenantId),
        options.unreadOnly ? isNull(notification.readAt) : undefined,
        cursor
          ? or(
              lt(notification.createdAt, cursor.at),
              and(eq(notification.createdAt, cursor.at), lt(notification.id, cursor.id)),
            )
          : undefined,
        notExists(actorBlocked(db, inbox.profileId)),
      ),
    )
    .orderBy(desc(notification.createdAt), desc(notification.id))
    .limit(options.limit)
    .all();
}

/** How many of the profile's notifications on the brand are unread (and shown). */
export async function unreadCount(db: CoreDb, inbox: { profileId: string; tenantId: string }) {
  const row = await db
    .select({ unread: count() })
    .from(notification)
    .where(
      and(
        eq(notification.profileId, inbox.profileId),
        eq(notification.tenantId, inbox.tenantId),
        isNull(notification.readAt),
        notExists(actorBlocked(db, inbox.profileId)),
      ),
    )
    .get();
  return row?.unread ?? 0;
}

/**
 * Marks the profile's unread notifications on the brand read: the given ids, or all of them. Ids
 * that are someone else's, on another brand, already read or unknown are left alone and not
 * counted. Answers how many changed.
 */
export async function markRead(
  db: CoreDb,
  inbox: { profileId: string; tenantId: string },
  which: { ids: string[] } | { all: true },
  now: number,
): Promise<number> {
  const changed = await db
    .update(notification)
    .set({ readAt: now })
    .where(
      and(
        eq(notification.profileId, inbox.profileId),
        eq(notification.tenantId, inbox.tenantId),
        isNull(notification.readAt),
        "ids" in which ? inArray(notification.id, which.ids) : undefined,
      ),
    )
    .returning({ id: notification.id });
  return changed.length;
}

/** The notifications an event created, with what a push about each says (through the unique index). */
export function notificationsOfEvent(db: CoreDb, eventId: string) {
  return db
    .select({
      id: notification.id,
      profileId: notification.profileId,
      tenantId: notification.tenantId,
      kind: notification.kind,
      subjectId: notification.subjectId,
      actorHandle: actor.handle,
      actorDisplayName: actor.displayName,
      tenantName: tenant.name,
    })
    .from(notification)
    .innerJoin(tenant, eq(tenant.id, notification.tenantId))
    .leftJoin(actor, eq(actor.id, notification.actorProfileId))
    .where(eq(notification.eventId, eventId))
    .all();
}

/**
 * Pushing an event's notifications is recorded as a receipt of its own consumer name, so an event the
 * queue delivers again is not pushed again.
 */
export const PUSH_CONSUMER = "notifications.push";

export async function wasPushed(db: CoreDb, eventId: string): Promise<boolean> {
  const row = await db
    .select({ eventId: eventReceipt.eventId })
    .from(eventReceipt)
    .where(and(eq(eventReceipt.consumer, PUSH_CONSUMER), eq(eventReceipt.eventId, eventId)))
    .get();
  return row !== undefined;
}

export async function recordPushed(db: CoreDb, eventId: string, now = Date.now()): Promise<void> {
  await db
    .insert(eventReceipt)
    .values({ consumer: PUSH_CONSUMER, eventId, receivedAt: now })
    .onConflictDoNothing();
}

/** Stores a push in the dev log; a push with the id of one already there is not stored twice. */
export async function insertDevPush(
  db: CoreDb,
  push: {
    id: string;
    profileId: string;
    tenantId: string;
    title: string;
    body: string;
    url?: string | undefined;
  },
  now = Date.now(),
): Promise<void> {
  await db
    .insert(devPush)
    .values({ ...push, url: push.url ?? null, createdAt: now })
    .onConflictDoNothing();
}

/** The newest pushes to a profile, on every brand, newest first. */
export function listDevPushes(db: CoreDb, profileId: string, limit: number) {
  return db
    .select({
      id: devPush.id,
      profileId: devPush.profileId,
      tenantId: devPush.tenantId,
      title: devPush.title,
      body: devPush.body,
      url: devPush.url,
      createdAt: devPush.createdAt,
    })
    .from(devPush)
    .where(eq(devPush.profileId, profileId))
    .orderBy(desc(devPush.createdAt), desc(devPush.id))
    .limit(limit)
    .all();
}
