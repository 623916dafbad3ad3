import type { CoreDb } from "@fun/db";
import { sql } from "drizzle-orm";

// Every search starts from the FTS5 match (CROSS JOIN fixes SQLite's join order): left to itself,
// the planner may walk all of a brand's posts and probe the FTS table for each.

/** What every search is scoped and filtered by, besides its MATCH expression. */
export interface SearchScope {
  match: string;
  tenantId: string;
  /** The searcher's profile: results from anyone with a block between them are left out. */
  viewerProfileId: string | null;
  now: number;
  limit: number;
  offset: number;
}

/** Neither the owner blocked the viewer nor the other way round. */
const noBlock = (owner: ReturnType<typeof sql>, viewer: string | null) =>
  viewer === null
    ? sql`1`
    : sql`NOT EXISTS (SELECT 1 FROM block b WHERE (b.blocker_id = ${owner} AND b.blocked_id = ${viewer}) OR (b.blocker_id = ${viewer} AND b.blocked_id = ${owner}))`;

export interface ProfileHit {
  id: string;
  handle: string;
  display_name: string;
  bio: string | null;
}

/** Creator profiles visible on the brand, best match first (bm25: name counts most, then handle and bio). */
export function searchProfiles(db: CoreDb, scope: SearchScope) {
  return db.all<ProfileHit>(sql`
    SELECT p.id, p.handle, p.display_name, p.bio
    FROM search_fts
    CROSS JOIN search_entry e ON e.id = search_fts.rowid
    CROSS JOIN profile p ON p.id = e.subject_id
    JOIN profile_tenant pt ON pt.profile_id = p.id AND pt.tenant_id = e.tenant_id AND pt.is_visible = 1
    WHERE search_fts MATCH ${scope.match} AND e.tenant_id = ${scope.tenantId}
      AND ${noBlock(sql`p.id`, scope.viewerProfileId)}
    ORDER BY bm25(search_fts, 0.0, 5.0, 2.0, 1.0), e.id DESC
    LIMIT ${scope.limit} OFFSET ${scope.offset}`);
}

export interface ContentHit {
  id: string;
  creator_profile_id: string;
  creator_handle: string;
  title: string;
  caption: string | null;
  visibility: "public" | "subscribers" | "ppv";
  price_cents: number;
  tags: string;
  rating: "general" | "explicit";
  publish_at: number;
}

const contentHits = (scope: SearchScope) => sql`
    FROM search_fts
    CROSS JOIN search_entry e ON e.id = search_fts.rowid
    CROSS JOIN content c ON c.id = e.subject_id
    JOIN content_tenant_map m ON m.content_id = c.id AND m.tenant_id = e.tenant_id
    JOIN profile_tenant pt ON pt.profile_id = c.creator_profile_id AND pt.tenant_id = e.tenant_id AND pt.is_visible = 1
    WHERE search_fts MATCH ${scope.match} AND e.tenant_id = ${scope.tenantId}
      AND m.status = 'published' AND m.publish_at <= ${scope.now}
      AND ${noBlock(sql`c.creator_profile_id`, scope.viewerProfileId)}`;

/** Posts live on the brand, best match first (title counts most, then tags, then caption). */
export function searchContent(db: CoreDb, scope: SearchScope) {
  return db.all<ContentHit>(sql`
    SELECT c.id, c.creator_profile_id, (SELECT handle FROM profile WHERE id = c.creator_profile_id) AS creator_handle,
      c.title, c.caption, c.visibility, c.price_cents, c.tags, c.rating, m.publish_at
    ${contentHits(scope)}
    ORDER BY bm25(search_fts, 0.0, 5.0, 1.0, 3.0), e.id DESC
    LIMIT ${scope.limit} OFFSET ${scope.offset}`);
}

/** How many of the best-matching posts a tag search counts tags over. */
export const TAG_SAMPLE = 1000;

/** The tags of the posts that match (at most TAG_SAMPLE of them), with how many of those carry each. */
export function tagsOfMatches(db: CoreDb, scope: Omit<SearchScope, "limit" | "offset">) {
  return db.all<{ tag: string; posts: number }>(sql`
    SELECT j.value AS tag, count(*) AS posts
    FROM (SELECT c.tags ${contentHits({ ...scope, limit: TAG_SAMPLE, offset: 0 })} LIMIT ${TAG_SAMPLE}) hit, json_each(hit.tags) j
    GROUP BY j.value
    ORDER BY posts DESC, tag`);
}
