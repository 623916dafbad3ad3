import { type CoreDb, content, contentTenantMap, purchase, subscription, subscriptionPlan } from "@fun/db";
import { and, eq, gt, isNull, or } from "drizzle-orm";

export type ContentRow = typeof content.$inferSelect;
export type Publication = {
  tenantId: string;
  status: "published" | "scheduled" | "hidden";
  publishAt: number | null;
};

export async function findContent(
  db: CoreDb,
  contentId: string,
): Promise<{ row: ContentRow; publications: Publication[] } | undefined> {
  const [rows, publications] = await db.batch([
    db.select().from(content).where(eq(content.id, contentId)),
    db
      .select({
        tenantId: contentTenantMap.tenantId,
        status: contentTenantMap.status,
        publishAt: contentTenantMap.publishAt,
      })
      .from(contentTenantMap)
      .where(eq(contentTenantMap.contentId, contentId)),
  ]);
  const row = rows[0];
  return row ? { row, publications } : undefined;
}

/**
 * Whether a fan may see a locked post: an active subscription to a plan of its creator, or, for
 * pay-per-view, a succeeded purchase of the post.
 */
export async function fanIsEntitled(db: CoreDb, fanProfileId: string, post: ContentRow, now = Date.now()) {
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
