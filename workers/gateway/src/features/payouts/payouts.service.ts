import { newId } from "@fun/core";
import type { payout } from "@fun/db";
import { ApiError } from "@fun/http";
import { DEFAULT_COMMERCE_SETTINGS } from "@fun/tenancy";
import { type Commerce, commerceRules, ledgerOf } from "../payments/commerce-context";
import { payoutKey } from "../payments/payout-effects";
import {
  findPayoutAccount,
  insertPayout,
  markSubmitted,
  payableAccounts,
  unsubmittedPayouts,
} from "./payouts.repo";

type PayoutRow = typeof payout.$inferSelect;

/** Hands a reserved payout to the provider (idempotent by our payout id); left `requested` if the call fails. */
export async function submitPayout(
  commerce: Commerce,
  row: PayoutRow,
  accountRef: string,
): Promise<PayoutRow> {
  try {
    const { payoutRef } = await commerce.provider.createPayout({
      payoutId: row.id,
      accountRef,
      amount: row.amountCents,
      currency: row.currency,
    });
    await markSubmitted(commerce.db, row.id, payoutRef);
    return { ...row, status: "processing", providerRef: payoutRef };
  } catch (error) {
    // The reserve stays: the provider may have taken it. The cron resubmits with the same key.
    console.error(
      JSON.stringify({
        level: "error",
        message: "payout submission failed",
        payoutId: row.id,
        error: String(error),
      }),
    );
    return row;
  }
}

/**
 * Reserves `amount` of the creator's available balance at once (the ledger refuses below the minimum,
 * above what is available, or while a balance is negative), records the payout and sends it.
 */
export async function requestPayout(
  commerce: Commerce,
  input: {
    profileId: string;
    tenantId: string;
    amount: number;
    currency: string;
    origin: "manual" | "schedule";
    minimum?: number;
  },
): Promise<PayoutRow> {
  const account = await findPayoutAccount(commerce.db, input.profileId, commerce.provider.name);
  if (!account?.payoutsEnabled || account.kycStatus !== "verified") {
    throw new ApiError("conflict", "Link a verified payout account first (POST /v1/payouts:linkAccount).");
  }
  const now = Date.now();
  const id = newId("payout", now);
  const minimum = input.minimum ?? commerceRules(commerce.tenants, input.tenantId).payoutMinimumCents;
  const result = await ledgerOf(commerce.env, input.profileId).requestPayout({
    key: payoutKey(id),
    currency: input.currency,
    amount: input.amount,
    minimum,
    occurredAt: now,
  });
  if ("refused" in result) {
    const detail: Record<string, string> = {
      below_minimum: `The smallest payout is ${minimum} minor units.`,
      insufficient_funds: "That is more than your available balance.",
      negative_balance: "A negative balance (a refund or chargeback) must be covered before a payout.",
    };
    throw new ApiError("unprocessable_content", detail[result.refused] ?? "The payout was refused.");
  }
  const row: PayoutRow = {
    id,
    profileId: input.profileId,
    payoutAccountId: account.id,
    amountCents: input.amount,
    currency: input.currency,
    status: "requested",
    scheduledFor: null,
    providerBatchId: null,
    createdAt: now,
    updatedAt: now,
    provider: commerce.provider.name,
    providerRef: null,
    origin: input.origin,
    failureReason: null,
  };
  await insertPayout(commerce.db, row);
  return submitPayout(commerce, row, account.externalAccountId);
}

/**
 * The brand rules a balance in `currency` is paid out under: the brands that sell in that currency
 * (their earnings are what the balance holds), the highest minimum among them when several do. A
 * currency no brand sells in any more falls back to the highest minimum of all brands.
 */
function payoutRulesFor(commerce: Commerce, currency: string): { tenantId: string; minimum: number } {
  const brands = commerce.tenants
    .tenants()
    .map((t) => ({ id: t.id, ...commerceRules(commerce.tenants, t.id) }));
  const selling = brands.filter((b) => b.currency === currency);
  const strictest = (selling.length ? selling : brands).reduce<(typeof brands)[number] | undefined>(
    (best, b) => (!best || b.payoutMinimumCents > best.payoutMinimumCents ? b : best),
    undefined,
  );
  return {
    tenantId: strictest?.id ?? "",
    minimum: strictest?.payoutMinimumCents ?? DEFAULT_COMMERCE_SETTINGS.payoutMinimumCents,
  };
}

/** The weekly schedule: every verified creator's whole available balance, per currency, if it clears the minimum of the brand(s) selling in that currency. */
export async function runScheduledPayouts(commerce: Commerce): Promise<number> {
  let requested = 0;
  for (const account of await payableAccounts(commerce.db, commerce.provider.name)) {
    for (const balance of await ledgerOf(commerce.env, account.profileId).balances()) {
      const { tenantId, minimum } = payoutRulesFor(commerce, balance.currency);
      if (balance.available <= 0 || balance.available < minimum) continue;
      try {
        await requestPayout(commerce, {
          profileId: account.profileId,
          tenantId,
          amount: balance.available,
          currency: balance.currency,
          origin: "schedule",
          minimum,
        });
        requested++;
      } catch (error) {
        console.error(
          JSON.stringify({
            level: "error",
            message: "scheduled payout refused",
            profileId: account.profileId,
            error: String(error),
          }),
        );
      }
    }
  }
  for (const row of await unsubmittedPayouts(commerce.db, commerce.provider.name)) {
    const account = await findPayoutAccount(commerce.db, row.profileId, commerce.provider.name);
    if (account) await submitPayout(commerce, row, account.externalAccountId);
  }
  return requested;
}
