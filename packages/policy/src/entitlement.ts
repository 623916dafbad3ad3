import { type CoreDb, type content, purchase, subscription, subscriptionPlan } from "@fun/db";
import { and, eq, gt, isNull, or } from "drizzle-orm";

type Post = Pick<typeof content.$inferSelect, "id" | "visibility" | "creatorProfileId">;

/**
 * Whether a fan may see a locked post: an active subscription to a plan of its creator, or, for
 * pay-per-view, a succeeded purchase of the post.
 */
export async function fanIsEntitled(db: CoreDb, fanProfileId: string, post: Post, now = Date.now()) {
  if (post.visibility === "ppv") {
    const bought = await db
      .select({ id: purchase.id })
      .from(purchase)
      .where(
        and(
          eq(purchase.fanProfileId, fanProfileId),
          eq(purchase.contentId, post.id),
          eq(purchase.status, "succeeded"),
        ),
      )
      .limit(1)
      .get();
    return bought !== undefined;
  }
  const subscribed = await db
    .select({ id: subscription.id })
    .from(subscription)
    .innerJoin(subscriptionPlan, eq(subscriptionPlan.id, subscription.planId))
    .where(
      and(
        eq(subscription.fanProfileId, fanProfileId),
        eq(subscriptionPlan.creatorProfileId, post.creatorProfileId),
        eq(subscription.status, "active"),
        or(isNull(subscription.currentPeriodEnd), gt(subscription.currentPeriodEnd, now)),
      ),
    )
    .limit(1)
    .get();
  return subscribed !== undefined;
}
