/**
 * The ranked feed (`GET /v1/feed?algo=ranked`) orders posts by a score that mixes recency and
 * engagement, in the spirit of the "hot" rankings of link aggregators:
 *
 *     score = publishedAtMs / 45,000,000 + log10(1 + likes on this brand)
 *
 * Every 12.5 hours (45,000 s) of recency is worth one order of magnitude of likes: a post with 9
 * likes ranks level with one published 12.5 hours later with none, and with 99 likes, 25 hours later.
 * Newer posts still win in the end, so the feed stays fresh without any decay job.
 *
 * The score depends only on the post's publish time and its likes, never on the current time. It
 * is a generated column (`content_tenant_map.rank_score`, see the schema) with its own index, so a
 * page is an index walk, and a cursor (score, id) stays valid while you page: a post published
 * meanwhile scores above the cursor and never makes a later page repeat or skip. (A post whose
 * likes change while you page may move past the cursor; that is the one way it can show twice.)
 *
 * This function is the same formula in TypeScript, for tests and tools; the database computes it.
 */
export const RECENCY_MS_PER_DECADE_OF_LIKES = 45_000_000;

export function rankScore(publishedAtMs: number, likes: number): number {
  return publishedAtMs / RECENCY_MS_PER_DECADE_OF_LIKES + Math.log10(1 + likes);
}
