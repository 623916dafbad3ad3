import { payout, payoutAccount } from "@fun/db";
import { createEvent } from "@fun/events";
import { and, eq, notInArray } from "drizzle-orm";
import { type Commerce, ledgerOf } from "./commerce-context";
import { findPayout, findPayoutAccountByRef } from "./payments.repo";
import type { PaymentChange, PaymentEvent } from "./provider";
import { type EffectPlan, ignored, refusedEarly } from "./sale-effects";

type Of<K extends PaymentChange["kind"]> = PaymentEvent & Extract<PaymentChange, { kind: K }>;

/** The ledger key a payout was reserved under (`POST /v1/payouts:request` or the weekly schedule). */
export const payoutKey = (payoutId: string) => `payout:${payoutId}`;

/**
 * A payout paid or failed at the provider: the reserve is settled to paid-out, or released back to
 * available, exactly once (the ledger refuses the other outcome after the first).
 */
export async function payoutSettled(commerce: Commerce, event: Of<"payout_settled">): Promise<EffectPlan> {
  const row = await findPayout(commerce.db, commerce.provider.name, event);
  if (!row) return ignored("not one of our payouts");
  const ledger = ledgerOf(commerce.env, row.profileId);
  const input = {
    key: `${event.paid ? "payout_paid" : "payout_failed"}:${row.id}`,
    payoutKey: payoutKey(row.id),
    occurredAt: event.occurredAt,
  };
  const result = event.paid ? await ledger.settlePayout(input) : await ledger.failPayout(input);
  if (refusedEarly(result)) return { waitOn: payoutKey(row.id) };
  if ("refused" in result) return ignored(`ledger refused: ${result.refused}`);
  const status = event.paid ? "paid" : "failed";
  return {
    outcome: "applied",
    writes: [
      commerce.db
        .update(payout)
        .set({
          status,
          providerRef: row.providerRef ?? event.payoutRef,
          failureReason: event.paid ? null : (event.failureReason ?? "failed at the provider"),
          updatedAt: Date.now(),
        })
        .where(and(eq(payout.id, row.id), notInArray(payout.status, ["paid", "failed", "canceled"]))),
      commerce.outbox.insert(
        createEvent(
          "fun.payout.processed",
          {
            payoutId: row.id,
            profileId: row.profileId,
            amountCents: row.amountCents,
            currency: row.currency,
            status,
          },
          { subject: row.id },
        ),
      ),
    ],
  };
}

/** A connected account's KYC state changed at the provider. */
export async function accountUpdated(commerce: Commerce, event: Of<"account_updated">): Promise<EffectPlan> {
  const account = await findPayoutAccountByRef(commerce.db, commerce.provider.name, event.accountRef);
  if (!account) return ignored("not one of our payout accounts");
  return {
    outcome: "applied",
    writes: [
      commerce.db
        .update(payoutAccount)
        .set({
          kycStatus: event.kycStatus,
          payoutsEnabled: event.payoutsEnabled,
          ...(event.last4 ? { last4: event.last4 } : {}),
          updatedAt: Date.now(),
        })
        .where(eq(payoutAccount.id, account.id)),
    ],
  };
}
