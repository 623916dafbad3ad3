import {
  type CoreDb,
  checkoutSession,
  commerceSale,
  paymentEvent,
  paymentEventDeferred,
  payout,
  payoutAccount,
  purchase,
  subscription,
  subscriptionPlan,
} from "@fun/db";
import { and, asc, eq, lt, sql } from "drizzle-orm";

/**
 * Reads and writes of the payment webhook path. Rows are found by our checkout id (carried in every
 * provider object's metadata) or by the provider's own ids, always together with the provider's name.
 */

export type CheckoutRow = typeof checkoutSession.$inferSelect;
export type SubscriptionRow = typeof subscription.$inferSelect;
export type SaleRow = typeof commerceSale.$inferSelect;
export type PayoutRow = typeof payout.$inferSelect;

export async function wasApplied(db: CoreDb, provider: string, eventId: string): Promise<boolean> {
  const row = await db
    .select({ id: paymentEvent.eventId })
    .from(paymentEvent)
    .where(and(eq(paymentEvent.provider, provider), eq(paymentEvent.eventId, eventId)))
    .get();
  return row !== undefined;
}

/** The marker row: first in the batch that applies an event, so a second delivery fails the batch. */
export function markApplied(
  db: CoreDb,
  row: { provider: string; eventId: string; type: string; outcome: "applied" | "ignored"; createdAt: number },
) {
  return db.insert(paymentEvent).values({ ...row, appliedAt: Date.now() });
}

export async function findCheckout(
  db: CoreDb,
  provider: string,
  by: { checkoutId?: string | null; sessionRef?: string | null },
): Promise<CheckoutRow | undefined> {
  if (by.checkoutId) {
    const row = await db
      .select()
      .from(checkoutSession)
      .where(and(eq(checkoutSession.id, by.checkoutId), eq(checkoutSession.provider, provider)))
      .get();
    if (row) return row;
  }
  if (!by.sessionRef) return undefined;
  return db
    .select()
    .from(checkoutSession)
    .where(and(eq(checkoutSession.provider, provider), eq(checkoutSession.providerRef, by.sessionRef)))
    .get();
}

/** A subscription with the checkout that sold it (which names the creator and the brand). */
export async function findSubscription(
  db: CoreDb,
  provider: string,
  by: { checkoutId: string | null; subscriptionRef: string },
): Promise<{ row: SubscriptionRow; checkout: CheckoutRow; creatorProfileId: string } | undefined> {
  const condition = by.checkoutId
    ? and(eq(subscription.checkoutId, by.checkoutId), eq(checkoutSession.provider, provider))
    : and(eq(subscription.provider, provider), eq(subscription.providerRef, by.subscriptionRef));
  const found = await db
    .select({
      row: subscription,
      checkout: checkoutSession,
      creatorProfileId: subscriptionPlan.creatorProfileId,
    })
    .from(subscription)
    .innerJoin(checkoutSession, eq(checkoutSession.id, subscription.checkoutId))
    .innerJoin(subscriptionPlan, eq(subscriptionPlan.id, subscription.planId))
    .where(condition)
    .get();
  return found;
}

export async function findPurchase(db: CoreDb, purchaseId: string) {
  return db.select().from(purchase).where(eq(purchase.id, purchaseId)).get();
}

export async function findSale(
  db: CoreDb,
  provider: string,
  paymentRef: string,
): Promise<SaleRow | undefined> {
  return db
    .select()
    .from(commerceSale)
    .where(and(eq(commerceSale.provider, provider), eq(commerceSale.paymentRef, paymentRef)))
    .get();
}

export async function findPayout(
  db: CoreDb,
  provider: string,
  by: { payoutId: string | null; payoutRef: string },
): Promise<PayoutRow | undefined> {
  if (by.payoutId) {
    const row = await db.select().from(payout).where(eq(payout.id, by.payoutId)).get();
    if (row && row.provider === provider) return row;
  }
  return db
    .select()
    .from(payout)
    .where(and(eq(payout.provider, provider), eq(payout.providerRef, by.payoutRef)))
    .get();
}

export async function findPayoutAccountByRef(db: CoreDb, provider: string, accountRef: string) {
  return db
    .select()
    .from(payoutAccount)
    .where(and(eq(payoutAccount.provider, provider), eq(payoutAccount.externalAccountId, accountRef)))
    .get();
}

/** Keeps an event that came before what it needs; a redelivery of it counts another attempt. */
export async function deferEvent(
  db: CoreDb,
  row: { provider: string; eventId: string; waitingOn: string; payload: string },
): Promise<void> {
  await db
    .insert(paymentEventDeferred)
    .values({ ...row, receivedAt: Date.now(), attempts: 1 })
    .onConflictDoUpdate({
      target: [paymentEventDeferred.provider, paymentEventDeferred.eventId],
      set: { waitingOn: row.waitingOn, attempts: sql`${paymentEventDeferred.attempts} + 1` },
    });
}

export function forgetDeferred(db: CoreDb, provider: string, eventId: string) {
  return db
    .delete(paymentEventDeferred)
    .where(and(eq(paymentEventDeferred.provider, provider), eq(paymentEventDeferred.eventId, eventId)));
}

export async function deferredWaitingOn(db: CoreDb, provider: string, waitingOn: string) {
  return db
    .select()
    .from(paymentEventDeferred)
    .where(and(eq(paymentEventDeferred.provider, provider), eq(paymentEventDeferred.waitingOn, waitingOn)))
    .orderBy(asc(paymentEventDeferred.receivedAt));
}

/** Deferred events received before `before`, oldest first, for the cron sweep. */
export async function deferredBefore(db: CoreDb, provider: string, before: number, limit: number) {
  return db
    .select()
    .from(paymentEventDeferred)
    .where(and(eq(paymentEventDeferred.provider, provider), lt(paymentEventDeferred.receivedAt, before)))
    .orderBy(asc(paymentEventDeferred.receivedAt))
    .limit(limit);
}
