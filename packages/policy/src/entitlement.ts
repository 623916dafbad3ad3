import { type CoreDb, type content, purchase, subscription, subscriptionPlan } from "@fun/db";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

type Post = Pick<typeof content.$inferSelect, "id" | "visibility" | "creatorProfileId">;

/** A post's columns in a larger query, or its values. */
type PostTerms = { [K in keyof Post]: SQLWrapper | Post[K] };

/**
 * The entitlement rule as one SQL condition, so a query that decides delivery can answer it in the
 * same round trip: for pay-per-view a succeeded purchase of the post; otherwise an active
 * subscription (period not ended) to a plan of the post's creator.
 */
export function fanEntitledSql(
  fanProfileId: string | SQLWrapper,
  post: PostTerms,
  now: number | SQLWrapper,
): SQL<number> {
  return sql<number>`case when ${post.visibility} = 'ppv' then exists (
      select 1 from ${purchase}
      where ${purchase.fanProfileId} = ${fanProfileId} and ${purchase.contentId} = ${post.id}
        and ${purchase.status} = 'succeeded'
    ) else exists (
      select 1 from ${subscription}
      inner join ${subscriptionPlan} on ${subscriptionPlan.id} = ${subscription.planId}
      where ${subscription.fanProfileId} = ${fanProfileId}
        and ${subscriptionPlan.creatorProfileId} = ${post.creatorProfileId}
        and ${subscription.status} = 'active'
        and (${subscription.currentPeriodEnd} is null or ${subscription.currentPeriodEnd} > ${now})
    ) end`;
}

/**
 * Whether a fan may see a locked post: an active subscription to a plan of its creator, or, for
 * pay-per-view, a succeeded purchase of the post.
 */
export async function fanIsEntitled(db: CoreDb, fanProfileId: string, post: Post, now = Date.now()) {
  const row = await db.get<{ entitled: number }>(
    sql`select ${fanEntitledSql(fanProfileId, post, now)} as entitled`,
  );
  return row?.entitled === 1;
}
