import type { CoreDb } from "@fun/db";
import { type SQL, sql } from "drizzle-orm";

// A search runs in two stages. First FTS5 alone ranks its matches (bm25) and keeps the best
// `window` of them; then only those are joined and filtered by brand, kind, rating, publication,
// presence and blocks. Ranking alone is cheap even for a common word at 1M posts; joining every
// match is not (see bench/README.md). A page that comes back short from a full window is asked
// again without a window (search.route.ts), so the answer is always exact.

/** What every search is scoped and filtered by, besides its MATCH expression. */
export interface SearchScope {
  match: string;
  tenantId: string;
  /** The searcher's profile: results from anyone with a block between them are left out. */
  viewerProfileId: string | null;
  /** Only `general` posts (safe search). */
  safe: boolean;
  now: number;
  limit: number;
  offset: number;
  /** How many of the best FTS matches to filter; null for all of them. */
  window: number | null;
}

/** Neither the owner blocked the viewer nor the other way round. */
const noBlock = (owner: SQL, viewer: string | null) =>
  viewer === null
    ? sql`1`
    : sql`NOT EXISTS (SELECT 1 FROM block b WHERE (b.blocker_id = ${owner} AND b.blocked_id = ${viewer}) OR (b.blocker_id = ${viewer} AND b.blocked_id = ${owner}))`;

/** The best matches as (rowid, score), best first: bm25 with the text columns weighted. */
const matches = (scope: SearchScope, weights: SQL) => sql`(
    SELECT rowid, bm25(search_fts, 0.0, ${weights}) AS score FROM search_fts
    WHERE search_fts MATCH ${scope.match}
    ORDER BY score ${scope.window === null ? sql`` : sql`LIMIT ${scope.window}`}
  ) f
  CROSS JOIN search_entry e ON e.id = f.rowid`;

export interface ProfileHit {
  id: string;
  handle: string;
  display_name: string;
  bio: string | null;
}

/** Creator profiles visible on the brand, best match first (name counts most, then handle and bio). */
export function searchProfiles(db: CoreDb, scope: SearchScope) {
  return db.all<ProfileHit>(sql`
    SELECT p.id, p.handle, p.display_name, p.bio
    FROM ${matches(scope, sql.raw("5.0, 2.0, 1.0"))}
    CROSS JOIN profile p ON p.id = e.subject_id
    JOIN profile_tenant pt ON pt.profile_id = p.id AND pt.tenant_id = e.tenant_id AND pt.is_visible = 1
    WHERE e.tenant_id = ${scope.tenantId} AND e.kind = 'profile'
      AND ${noBlock(sql`p.id`, scope.viewerProfileId)}
    ORDER BY f.score, e.id DESC
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

/** Posts live on the brand (title counts most, then tags, then caption). */
const contentHits = (scope: SearchScope) => sql`
    FROM ${matches(scope, sql.raw("5.0, 1.0, 3.0"))}
    CROSS JOIN content c ON c.id = e.subject_id
    JOIN content_tenant_map m ON m.content_id = c.id AND m.tenant_id = e.tenant_id
    JOIN profile_tenant pt ON pt.profile_id = c.creator_profile_id AND pt.tenant_id = e.tenant_id AND pt.is_visible = 1
    WHERE e.tenant_id = ${scope.tenantId} AND e.kind = 'content'
      AND m.status = 'published' AND m.publish_at <= ${scope.now}
      ${scope.safe ? sql`AND c.rating = 'general'` : sql``}
      AND ${noBlock(sql`c.creator_profile_id`, scope.viewerProfileId)}`;

/** Posts live on the brand, best match first. */
export function searchContent(db: CoreDb, scope: SearchScope) {
  return db.all<ContentHit>(sql`
    SELECT c.id, c.creator_profile_id, (SELECT handle FROM profile WHERE id = c.creator_profile_id) AS creator_handle,
      c.title, c.caption, c.visibility, c.price_cents, c.tags, c.rating, m.publish_at
    ${contentHits(scope)}
    ORDER BY f.score, e.id DESC
    LIMIT ${scope.limit} OFFSET ${scope.offset}`);
}

/** How many of the best-matching posts a tag search counts tags over. */
export const TAG_SAMPLE = 1000;

/** The tags of the best matching posts (at most TAG_SAMPLE), with how many of those carry each. */
export function tagsOfMatches(db: CoreDb, scope: SearchScope) {
  return db.all<{ tag: string; posts: number }>(sql`
    SELECT j.value AS tag, count(*) AS posts
    FROM (SELECT c.tags ${contentHits(scope)} ORDER BY f.score LIMIT ${TAG_SAMPLE}) hit, json_each(hit.tags) j
    GROUP BY j.value
    ORDER BY posts DESC, tag`);
}
