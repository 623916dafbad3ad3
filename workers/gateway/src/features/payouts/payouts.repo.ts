import { type CoreDb, payout, payoutAccount } from "@fun/db";
import { and, desc, eq } from "drizzle-orm";

export type PayoutAccountRow = typeof payoutAccount.$inferSelect;

export function findPayoutAccount(db: CoreDb, profileId: string, provider: string) {
  return db
    .select()
    .from(payoutAccount)
    .where(and(eq(payoutAccount.profileId, profileId), eq(payoutAccount.provider, provider)))
    .orderBy(desc(payoutAccount.createdAt))
    .get();
}

export async function insertPayoutAccount(db: CoreDb, row: typeof payoutAccount.$inferInsert) {
  await db.insert(payoutAccount).values(row).onConflictDoNothing();
}

/** Creators whose account may receive payouts now (the weekly schedule's list). */
export function payableAccounts(db: CoreDb, provider: string) {
  return db
    .select()
    .from(payoutAccount)
    .where(
      and(
        eq(payoutAccount.provider, provider),
        eq(payoutAccount.payoutsEnabled, true),
        eq(payoutAccount.kycStatus, "verified"),
      ),
    );
}

export function insertPayout(db: CoreDb, row: typeof payout.$inferInsert) {
  return db.insert(payout).values(row);
}

export function markSubmitted(db: CoreDb, payoutId: string, payoutRef: string) {
  return db
    .update(payout)
    .set({ status: "processing", providerRef: payoutRef, updatedAt: Date.now() })
    .where(and(eq(payout.id, payoutId), eq(payout.status, "requested")));
}

/** Payouts reserved in the ledger but not yet accepted by the provider (a failed call), for a retry. */
export function unsubmittedPayouts(db: CoreDb, provider: string) {
  return db
    .select()
    .from(payout)
    .where(and(eq(payout.provider, provider), eq(payout.status, "requested")))
    .limit(50);
}
