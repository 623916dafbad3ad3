import { type CoreDb, promoCode, subscription, subscriptionPlan } from "@fun/db";
import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";

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
 * Takes one redemption of a code if it is still open (not expired, under its cap): a conditional
 * UPDATE, so concurrent checkouts cannot go over the cap.
 */
export function redeemPromo(db: CoreDb, promoId: string, now: number) {
  return db
    .update(promoCode)
    .set({ redemptions: sql`${promoCode.redemptions} + 1` })
    .where(
      and(
        eq(promoCode.id, promoId),
        or(isNull(promoCode.expiresAt), gt(promoCode.expiresAt, now)),
        or(isNull(promoCode.maxRedemptions), lt(promoCode.redemptions, promoCode.maxRedemptions)),
      ),
    )
    .returning({ id: promoCode.id });
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
