import { type CoreDb, checkoutSession, purchase, subscription } from "@fun/db";
import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";

/** Whether the fan already bought this post (a succeeded purchase). */
export async function alreadyOwned(db: CoreDb, fanProfileId: string, contentId: string) {
  const row = await db
    .select({ id: purchase.id })
    .from(purchase)
    .where(
      and(
        eq(purchase.fanProfileId, fanProfileId),
        eq(purchase.contentId, contentId),
        eq(purchase.status, "succeeded"),
      ),
    )
    .limit(1)
    .get();
  return row !== undefined;
}

/** Whether the fan has a live subscription to this plan. */
export async function subscribedTo(db: CoreDb, fanProfileId: string, planId: string, now: number) {
  const rows = await db
    .select({ status: subscription.status, end: subscription.currentPeriodEnd })
    .from(subscription)
    .where(
      and(
        eq(subscription.fanProfileId, fanProfileId),
        eq(subscription.planId, planId),
        eq(subscription.status, "active"),
      ),
    );
  return rows.some((row) => row.end === null || row.end > now);
}

/** The checkout with the subscription or purchase it sells, written together. */
export async function insertCheckout(
  db: CoreDb,
  checkout: typeof checkoutSession.$inferInsert,
  sold: { subscription?: typeof subscription.$inferInsert; purchase?: typeof purchase.$inferInsert },
) {
  const writes: BatchItem<"sqlite">[] = [];
  if (sold.subscription) writes.push(db.insert(subscription).values(sold.subscription));
  if (sold.purchase) writes.push(db.insert(purchase).values(sold.purchase));
  await db.batch([db.insert(checkoutSession).values(checkout), ...writes] as [
    BatchItem<"sqlite">,
    ...BatchItem<"sqlite">[],
  ]);
}

export function attachProviderSession(db: CoreDb, checkoutId: string, sessionRef: string, url: string) {
  return db
    .update(checkoutSession)
    .set({ providerRef: sessionRef, url, updatedAt: Date.now() })
    .where(eq(checkoutSession.id, checkoutId));
}
