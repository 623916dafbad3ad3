import type { PayoutRequestInput, PayoutSettleInput, PostingResult } from "@fun/contracts";
import {
  closingEntry,
  decided,
  type EntryKind,
  isCurrency,
  isInstant,
  isKey,
  isMinorUnits,
  type Operation,
  post,
  rawBalance,
  refuse,
  refused,
} from "./ledger-book";

/**
 * Payouts: a request moves the amount from `available` to `reserve` at once (so two requests cannot
 * spend the same money); the provider's answer then moves it on to `paid_out` (settled) or back to
 * `available` (failed), exactly one of the two, once.
 */

export function requestPayout(
  storage: DurableObjectStorage,
  input: PayoutRequestInput,
  now: number,
): PostingResult {
  const sql = storage.sql;
  if (!isKey(input.key)) return refused("invalid", "key is required");
  const earlier = decided(sql, input.key, "payout_request");
  if (earlier) return earlier;
  if (
    !isCurrency(input.currency) ||
    !isMinorUnits(input.amount, { positive: true }) ||
    !isMinorUnits(input.minimum) ||
    !isInstant(input.occurredAt)
  )
    return refused("invalid", "currency, a positive integer amount, minimum and occurredAt are required");
  const { key, currency, amount } = input;
  if (amount < input.minimum)
    return refuse(sql, key, "payout_request", "below_minimum", `the minimum payout is ${input.minimum}`, now);
  // The creator's accounts hold credit balances: what is owed to them is the negated raw sum.
  const available = 0 - rawBalance(sql, "available", currency);
  if (available < 0)
    return refuse(
      sql,
      key,
      "payout_request",
      "negative_balance",
      `available ${currency} is ${available} after refunds or chargebacks`,
      now,
    );
  if (available < amount)
    return refuse(
      sql,
      key,
      "payout_request",
      "insufficient_funds",
      `only ${available} ${currency} is available`,
      now,
    );
  return storage.transactionSync(() => {
    const entryId = post(
      sql,
      {
        key,
        kind: "payout_reserve",
        tenantId: null,
        occurredAt: input.occurredAt,
        providerRef: null,
        saleKey: null,
        subjectKey: null,
        lines: [
          { account: "available", currency, amount },
          { account: "reserve", currency, amount: -amount },
        ],
      },
      now,
    );
    sql.exec("INSERT INTO payout (key, currency, amount) VALUES (?, ?, ?)", key, currency, amount);
    return { applied: true, entryId };
  });
}

const CLOSES: Record<"payout_settle" | "payout_fail", EntryKind> = {
  payout_settle: "payout_settle",
  payout_fail: "payout_release",
};

/** Settles (`payout_settle`) or fails (`payout_fail`) a reserved payout. */
export function closePayout(
  storage: DurableObjectStorage,
  operation: Extract<Operation, "payout_settle" | "payout_fail">,
  input: PayoutSettleInput,
  now: number,
): PostingResult {
  const sql = storage.sql;
  if (!isKey(input.key)) return refused("invalid", "key is required");
  const earlier = decided(sql, input.key, operation);
  if (earlier) return earlier;
  if (!isKey(input.payoutKey) || !isInstant(input.occurredAt))
    return refused("invalid", "payoutKey and occurredAt are required");
  const payout = sql
    .exec<{ currency: string; amount: number }>(
      "SELECT currency, amount FROM payout WHERE key = ?",
      input.payoutKey,
    )
    .toArray()[0];
  if (!payout) return refused("unknown_payout", `no payout ${input.payoutKey} (yet)`);
  const kind = CLOSES[operation];
  const closed = closingEntry(sql, input.payoutKey, Object.values(CLOSES));
  if (closed?.kind === kind) return { applied: false, entryId: closed.id };
  if (closed) {
    const outcome = closed.kind === "payout_settle" ? "settled" : "failed";
    return refuse(
      sql,
      input.key,
      operation,
      "payout_closed",
      `payout ${input.payoutKey} already ${outcome}`,
      now,
    );
  }
  const { currency, amount } = payout;
  return storage.transactionSync(() => ({
    applied: true,
    entryId: post(
      sql,
      {
        key: input.key,
        kind,
        tenantId: null,
        occurredAt: input.occurredAt,
        providerRef: null,
        saleKey: null,
        subjectKey: input.payoutKey,
        lines: [
          { account: "reserve", currency, amount },
          { account: operation === "payout_settle" ? "paid_out" : "available", currency, amount: -amount },
        ],
      },
      now,
    ),
  }));
}
