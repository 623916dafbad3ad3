import { newId } from "@fun/core";
import { type CoreDb, contentTenantMap, outbox } from "@fun/db";
import { type CloudEvent, createEvent, type OutboxWriter } from "@fun/events";
import { and, eq, lte, sql } from "drizzle-orm";
import type { ContentRow } from "./content.repo";

/** Slugs by tenant id, for event payloads (the blueprint's events name brands by slug). */
export type SlugOf = (tenantId: string) => string;

/** The event a publication on `tenantId` announces: published on the canonical brand, cross-posted elsewhere. */
export function publicationEvent(post: ContentRow, tenantIds: string[], slugOf: SlugOf): CloudEvent {
  const fromTenant = slugOf(post.canonicalTenantId);
  const others = tenantIds.filter((id) => id !== post.canonicalTenantId);
  if (others.length === 0) {
    return createEvent(
      "fun.content.published",
      { contentId: post.id, creatorId: post.creatorProfileId, tenantId: fromTenant },
      { tenantId: post.canonicalTenantId, subject: post.id },
    );
  }
  return createEvent(
    "fun.content.crossposted",
    { contentId: post.id, fromTenant, toTenants: others.map(slugOf) },
    { tenantId: post.canonicalTenantId, subject: post.id },
  );
}

/**
 * Publishes (or schedules) a post on brands, and queues the event in the same batch when it goes
 * live now. A scheduled publication's event is written when the sweep makes it live.
 */
export async function setPublications(
  db: CoreDb,
  writer: OutboxWriter,
  post: ContentRow,
  tenantIds: string[],
  publishAt: number | undefined,
  slugOf: SlugOf,
  now = Date.now(),
): Promise<void> {
  const scheduled = publishAt !== undefined && publishAt > now;
  const status = scheduled ? ("scheduled" as const) : ("published" as const);
  const at = scheduled ? publishAt : now;
  const upserts = tenantIds.map((tenantId) =>
    db
      .insert(contentTenantMap)
      .values({
        id: newId("contentTenant"),
        contentId: post.id,
        tenantId,
        status,
        publishAt: at,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [contentTenantMap.contentId, contentTenantMap.tenantId],
        set: { status, publishAt: at, updatedAt: now },
      }),
  );
  const [first, ...rest] = upserts;
  if (!first) return;
  if (scheduled) {
    await db.batch([first, ...rest]);
    return;
  }
  await db.batch([first, ...rest, writer.insert(publicationEvent(post, tenantIds, slugOf))]);
}

/**
 * Makes scheduled publications whose time has come live, each exactly once: in one batch, the event
 * is written only if the row is still scheduled, then the row flips, so a second sweep running at
 * the same moment finds nothing left to do. Answers how many went live.
 */
export async function publishDue(
  db: CoreDb,
  posts: (contentId: string) => Promise<ContentRow | undefined>,
  slugOf: SlugOf,
  now = Date.now(),
): Promise<number> {
  const due = await db
    .select({
      id: contentTenantMap.id,
      contentId: contentTenantMap.contentId,
      tenantId: contentTenantMap.tenantId,
    })
    .from(contentTenantMap)
    .where(and(eq(contentTenantMap.status, "scheduled"), lte(contentTenantMap.publishAt, now)))
    .limit(100)
    .all();
  let published = 0;
  for (const row of due) {
    const post = await posts(row.contentId);
    if (!post) continue;
    const event = publicationEvent(post, [row.tenantId], slugOf);
    const stillScheduled = and(eq(contentTenantMap.id, row.id), eq(contentTenantMap.status, "scheduled"));
    const [inserted] = await db.batch([
      // INSERT … SELECT: the event row exists only if the publication was still scheduled.
      db.insert(outbox).select(
        db
          .select({
            id: sql<string>`${event.id}`.as("id"),
            tenantId: sql<string | null>`${event.tenantid ?? null}`.as("tenant_id"),
            type: sql<string>`${event.type}`.as("type"),
            payload: sql<string>`${JSON.stringify(event)}`.as("payload"),
            createdAt: sql<number>`${now}`.as("created_at"),
            attempts: sql<number>`0`.as("attempts"),
            nextAttemptAt: sql<number>`${now}`.as("next_attempt_at"),
            sentAt: sql<number | null>`null`.as("sent_at"),
            lastError: sql<string | null>`null`.as("last_error"),
          })
          .from(contentTenantMap)
          .where(stillScheduled),
      ),
      db.update(contentTenantMap).set({ status: "published", updatedAt: now }).where(stillScheduled),
    ]);
    if ((inserted as { meta?: { changes?: number } }).meta?.changes) published++;
  }
  return published;
}
