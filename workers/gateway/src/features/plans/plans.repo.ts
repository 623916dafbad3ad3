import { type CoreDb, commerceSale, promoCode, subscription, subscriptionPlan } from "@fun/db";
import { and, desc, eq, sql } from "drizzle-orm";

export type PlanRow = typeof subscriptionPlan.$inferSelect;
export type PromoRow = typeof promoCode.$inferSelect;

/** A creator's plans on one brand, newest first; only active ones unless `all`. */
export function listPlans(db: CoreDb, tenantId: string, creatorProfileId: string, all: boolean) {
  return db
    .select()
    .from(subscriptionPlan)
    .where(
      and(
        eq(subscriptionPlan.tenantId, tenantId),
        eq(subscriptionPlan.creatorProfileId, creatorProfileId),
        all ? undefined : eq(subscriptionPlan.active, true),
      ),
    )
    .orderBy(desc(subscriptionPlan.createdAt));
}

export function findPlan(db: CoreDb, tenantId: string, planId: string) {
  return db
    .select()
    .from(subscriptionPlan)
    .where(and(eq(subscriptionPlan.id, planId), eq(subscriptionPlan.tenantId, tenantId)))
    .get();
}

export async function insertPlan(db: CoreDb, row: typeof subscriptionPlan.$inferInsert) {
  const [inserted] = await db.insert(subscriptionPlan).values(row).returning();
  if (!inserted) throw new Error("the inserted plan was not returned");
  return inserted;
}

export async function deactivatePlan(db: CoreDb, tenantId: string, planId: string) {
  const [row] = await db
    .update(subscriptionPlan)
    .set({ active: false, updatedAt: Date.now() })
    .where(and(eq(subscriptionPlan.id, planId), eq(subscriptionPlan.tenantId, tenantId)))
    .returning();
  return row;
}

export async function insertPromo(db: CoreDb, row: typeof promoCode.$inferInsert) {
  const [inserted] = await db.insert(promoCode).values(row).onConflictDoNothing().returning();
  return inserted;
}

export function findPromo(db: CoreDb, tenantId: string, creatorProfileId: string, code: string) {
  return db
    .select()
    .from(promoCode)
    .where(
      and(
        eq(promoCode.tenantId, tenantId),
        eq(promoCode.creatorProfileId, creatorProfileId),
        eq(promoCode.code, code),
        eq(promoCode.active, true),
      ),
    )
    .get();
}

/**
 * Whether a code may still be used for a new checkout: not expired, and fewer paid redemptions than
 * its cap. Opening a checkout takes nothing (an abandoned checkout must not use up a code); the
 * redemption is counted when the subscription is paid (`countRedemption`).
 */
export function promoOpen(promo: PromoRow, now: number): boolean {
  if (promo.expiresAt !== null && promo.expiresAt <= now) return false;
  return promo.maxRedemptions === null || promo.redemptions < promo.maxRedemptions;
}

/**
 * Counts one paid redemption of a code, for the batch that records a subscription's first paid
 * invoice. It must come before that batch's `commerce_sale` insert: it counts only while the
 * subscription has no sale yet, so a duplicate or later invoice counts nothing. Checkouts opened
 * while the code was open are honoured even when they are paid after the cap was reached; the count
 * then stays at the cap (which already refuses new checkouts).
 */
export function countRedemption(db: CoreDb, promoId: string, subscriptionId: string) {
  return db
    .update(promoCode)
    .set({
      redemptions: sql`CASE WHEN ${promoCode.maxRedemptions} IS NULL OR ${promoCode.redemptions} < ${promoCode.maxRedemptions} THEN ${promoCode.redemptions} + 1 ELSE ${promoCode.redemptions} END`,
    })
    .where(
      and(
        eq(promoCode.id, promoId),
        sql`NOT EXISTS (SELECT 1 FROM ${commerceSale} WHERE ${commerceSale.subscriptionId} = ${subscriptionId})`,
      ),
    );
}

/** Whether the fan ever had a subscription to one of the creator's plans (for new-subscriber promotions). */
export async function everSubscribed(db: CoreDb, fanProfileId: string, creatorProfileId: string) {
  const row = await db
    .select({ id: subscription.id })
    .from(subscription)
    .innerJoin(subscriptionPlan, eq(subscriptionPlan.id, subscription.planId))
    .where(
      and(
        eq(subscription.fanProfileId, fanProfileId),
        eq(subscriptionPlan.creatorProfileId, creatorProfileId),
        sql`${subscription.status} <> 'incomplete'`,
      ),
    )
    .limit(1)
    .get();
  return row !== undefined;
}
