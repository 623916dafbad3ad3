import {
  block,
  type CoreDb,
  content,
  contentTenantMap,
  follow,
  profileTenant,
  purchase,
  subscription,
  subscriptionPlan,
} from "@fun/db";
import type { KeysetPosition } from "@fun/http";
import { and, desc, eq, gt, inArray, isNull, lt, lte, notExists, or, sql } from "drizzle-orm";

export type FeedAlgo = "latest" | "ranked";

/** Where a page ended: its last post's order key (publish_at or rank_score) and id, the tie-breaker. */
export type FeedCursor = KeysetPosition;

/**
 * One page of a follower's feed on one brand: posts published there by creators the follower
 * follows, whose presence there is visible, with no block between them. `latest` orders by publish
 * time, `ranked` by rank score (features/feed/ranker.ts); both are keyset paginated on (key, content
 * id) and walk an index of the brand's published posts in that order (content_tenant_map_latest /
 * _ranked), checking follow, presence and blocks per row by primary key, so the cost of a page does
 * not grow with the number of posts.
 */
export function feedPage(
  db: CoreDb,
  options: {
    algo: FeedAlgo;
    tenantId: string;
    followerId: string;
    cursor?: FeedCursor;
    limit: number;
    now: number;
  },
) {
  const { tenantId, followerId, cursor, limit, now } = options;
  const key = options.algo === "ranked" ? contentTenantMap.rankScore : contentTenantMap.publishAt;
  const blocked = db
    .select({ one: block.blockerId })
    .from(block)
    .where(
      or(
        and(eq(block.blockerId, content.creatorProfileId), eq(block.blockedId, followerId)),
        and(eq(block.blockerId, followerId), eq(block.blockedId, content.creatorProfileId)),
      ),
    );
  return db
    .select({
      id: content.id,
      creatorProfileId: content.creatorProfileId,
      canonicalTenantId: content.canonicalTenantId,
      title: content.title,
      caption: content.caption,
      visibility: content.visibility,
      priceCents: content.priceCents,
      tags: content.tags,
      publishedAt: contentTenantMap.publishAt,
      likeCount: contentTenantMap.likeCount,
      key,
    })
    .from(contentTenantMap)
    .innerJoin(content, eq(content.id, contentTenantMap.contentId))
    .innerJoin(
      follow,
      and(eq(follow.followeeId, content.creatorProfileId), eq(follow.followerId, followerId)),
    )
    .innerJoin(
      profileTenant,
      and(
        eq(profileTenant.profileId, content.creatorProfileId),
        eq(profileTenant.tenantId, tenantId),
        eq(profileTenant.isVisible, true),
      ),
    )
    .where(
      and(
        eq(contentTenantMap.tenantId, tenantId),
        eq(contentTenantMap.status, "published"),
        // The ranked feed must walk its own index, so its time bound is kept out of the planner's
        // sight (`+col`): otherwise SQLite walks the latest index and sorts every post.
        options.algo === "ranked"
          ? sql`+${contentTenantMap.publishAt} <= ${now}`
          : lte(contentTenantMap.publishAt, now),
        cursor
          ? or(lt(key, cursor.key), and(eq(key, cursor.key), lt(contentTenantMap.contentId, cursor.id)))
          : undefined,
        notExists(blocked),
      ),
    )
    .orderBy(desc(key), desc(contentTenantMap.contentId))
    .limit(limit)
    .all();
}

/** Which of these posts the fan may open: subscribed to their creator, or bought (ppv). */
export async function entitledIds(
  db: CoreDb,
  fanProfileId: string,
  posts: { id: string; creatorProfileId: string; visibility: string }[],
  now: number,
): Promise<Set<string>> {
  const creators = [...new Set(posts.map((post) => post.creatorProfileId))];
  const ppv = posts.filter((post) => post.visibility === "ppv").map((post) => post.id);
  if (posts.length === 0) return new Set();
  const [subscribed, bought] = await db.batch([
    db
      .select({ creatorProfileId: subscriptionPlan.creatorProfileId })
      .from(subscription)
      .innerJoin(subscriptionPlan, eq(subscriptionPlan.id, subscription.planId))
      .where(
        and(
          eq(subscription.fanProfileId, fanProfileId),
          eq(subscription.status, "active"),
          inArray(subscriptionPlan.creatorProfileId, creators),
          or(isNull(subscription.currentPeriodEnd), gt(subscription.currentPeriodEnd, now)),
        ),
      ),
    db
      .select({ contentId: purchase.contentId })
      .from(purchase)
      .where(
        and(
          eq(purchase.fanProfileId, fanProfileId),
          eq(purchase.status, "succeeded"),
          inArray(purchase.contentId, ppv.length ? ppv : [""]),
        ),
      ),
  ]);
  const subscribedTo = new Set(subscribed.map((row) => row.creatorProfileId));
  const boughtIds = new Set(bought.map((row) => row.contentId));
  return new Set(
    posts
      .filter(
        (post) =>
          post.visibility === "public" ||
          (post.visibility === "subscribers" && subscribedTo.has(post.creatorProfileId)) ||
          (post.visibility === "ppv" && boughtIds.has(post.id)),
      )
      .map((post) => post.id),
  );
}
