import { type CoreDb, content, contentTenantMap, profile, profileTenant, searchEntry } from "@fun/db";
import type { CloudEvent, EventProjection } from "@fun/events";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { searchFts } from "./search-fts";

/**
 * Keeps the search index current from events. Each event names a profile or a post; its rows are
 * rebuilt from the current state of the database (delete, then INSERT ... SELECT), so events that
 * arrive late or out of order still leave the index right, and applying one twice changes nothing.
 *
 * What is indexed, per brand: a creator profile where its presence is visible (name; handle and
 * bio), and a post where it is published (title; caption; tags). Fans are not findable. Searches
 * check presence, publication time and blocks again when they read, so a change shows at once even
 * before its event is applied.
 */

/**
 * The `scope` SQL for a row: `tenant<id>`, `kind<kind>` and `rating<rating>` tokens, letters and
 * digits only so the tokenizer keeps each whole (for ad hoc queries; searches filter in SQL).
 */
const scopeSql = (kind: "profile" | "content", rating: SQL) =>
  sql<string>`'tenant' || lower(replace(${searchEntry.tenantId}, '_', '')) || ${` kind${kind} rating`} || ${rating}`.as(
    "scope",
  );

function forget(db: CoreDb, subjectId: string) {
  const rows = db
    .select({ id: searchEntry.id })
    .from(searchEntry)
    .where(eq(searchEntry.subjectId, subjectId));
  return [
    db.delete(searchFts).where(inArray(searchFts.rowid, rows)),
    db.delete(searchEntry).where(eq(searchEntry.subjectId, subjectId)),
  ] as const;
}

const entryValues = (
  kind: "profile" | "content",
  owner: SQL | SQLiteColumn,
  tenantId: SQLiteColumn,
  now: number,
) => ({
  tenantId: sql<string>`${tenantId}`.as("tenant_id"),
  kind: sql<string>`${kind}`.as("kind"),
  subjectId: sql<string>`${kind === "profile" ? profile.id : content.id}`.as("subject_id"),
  ownerProfileId: sql<string>`${owner}`.as("owner_profile_id"),
  indexedAt: sql<number>`${now}`.as("indexed_at"),
});

/** The statements that rebuild a profile's rows: one per brand where a creator profile is visible. */
export function reindexProfile(db: CoreDb, profileId: string, now: number) {
  return [
    ...forget(db, profileId),
    db.insert(searchEntry).select(
      db
        .select({
          id: sql<number | null>`null`.as("id"),
          ...entryValues("profile", profile.id, profileTenant.tenantId, now),
        })
        .from(profile)
        .innerJoin(
          profileTenant,
          and(eq(profileTenant.profileId, profile.id), eq(profileTenant.isVisible, true)),
        )
        .where(and(eq(profile.id, profileId), eq(profile.type, "creator"))),
    ),
    db.insert(searchFts).select(
      db
        .select({
          rowid: sql<number>`${searchEntry.id}`.as("rowid"),
          scope: scopeSql("profile", sql`'general'`),
          title: sql<string>`${profile.displayName}`.as("title"),
          body: sql<string>`${profile.handle} || ' ' || coalesce(${profile.bio}, '')`.as("body"),
          tags: sql<string>`''`.as("tags"),
        })
        .from(searchEntry)
        .innerJoin(profile, eq(profile.id, searchEntry.subjectId))
        .where(eq(searchEntry.subjectId, profileId)),
    ),
  ];
}

/** The statements that rebuild a post's rows: one per brand where it is published. */
export function reindexContent(db: CoreDb, contentId: string, now: number) {
  return [
    ...forget(db, contentId),
    db.insert(searchEntry).select(
      db
        .select({
          id: sql<number | null>`null`.as("id"),
          ...entryValues("content", content.creatorProfileId, contentTenantMap.tenantId, now),
        })
        .from(content)
        .innerJoin(
          contentTenantMap,
          and(eq(contentTenantMap.contentId, content.id), eq(contentTenantMap.status, "published")),
        )
        .where(eq(content.id, contentId)),
    ),
    db.insert(searchFts).select(
      db
        .select({
          rowid: sql<number>`${searchEntry.id}`.as("rowid"),
          scope: scopeSql("content", sql`${content.rating}`),
          title: sql<string>`${content.title}`.as("title"),
          body: sql<string>`coalesce(${content.caption}, '')`.as("body"),
          tags: sql<string>`coalesce((SELECT group_concat(value, ' ') FROM json_each(${content.tags})), '')`.as(
            "tags",
          ),
        })
        .from(searchEntry)
        .innerJoin(content, eq(content.id, searchEntry.subjectId))
        .where(eq(searchEntry.subjectId, contentId)),
    ),
  ];
}

/** The profile or post an event is about, if search cares. */
export function searchSubject(event: CloudEvent): { kind: "profile" | "content"; id: string } | undefined {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case "fun.profile.created":
    case "fun.profile.updated":
      return typeof data.profileId === "string" ? { kind: "profile", id: data.profileId } : undefined;
    case "fun.content.published":
    case "fun.content.crossposted":
    case "fun.content.updated":
      return typeof data.contentId === "string" ? { kind: "content", id: data.contentId } : undefined;
    default:
      return undefined;
  }
}

export const searchIndexProjection: EventProjection = {
  consumer: "search.index",
  accepts: (event) => searchSubject(event) !== undefined,
  writes: (event, db) => {
    const subject = searchSubject(event);
    if (!subject) return [];
    const now = Date.now();
    return subject.kind === "profile"
      ? reindexProfile(db, subject.id, now)
      : reindexContent(db, subject.id, now);
  },
};
