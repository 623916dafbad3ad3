import type {
  CurrencyCode,
  DisputeCloseInput,
  DisputeInput,
  EarningSource,
  PostingResult,
  RefundInput,
  SaleInput,
} from "@fun/contracts";
import {
  closingEntry,
  decided,
  isCurrency,
  isInstant,
  isKey,
  isMinorUnits,
  type Line,
  post,
  refuse,
  refused,
} from "./ledger-book";

/**
 * Postings that follow a sale: the sale itself, its release after the hold, refunds, disputes and
 * their close. Lines are positive debits and negative credits; the creator's accounts (`pending`,
 * `available`) are liabilities, so money owed to the creator is a credit there.
 *
 * Money taken back from the creator (the net part of a refund, a dispute and its fee) comes first
 * out of what is left of that sale in `pending`, then out of `available`, which may go negative when
 * the money was already paid out. Money given back (a won dispute) returns to `pending` while the
 * sale is still held, else to `available`.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
const SOURCES: ReadonlySet<EarningSource> = new Set(["subscription", "ppv", "tip"]);

type SaleRow = {
  key: string;
  tenant_id: string;
  currency: CurrencyCode;
  gross: number;
  platform_fee: number;
  processor_fee: number;
  release_at: number;
};

/** Where a sale's money stands, from its entries. */
interface SaleState {
  /** Gross refunded so far. */
  refunded: number;
  /** Disputed amounts not won back. */
  disputed: number;
  reversedPlatformFee: number;
  reversedProcessorFee: number;
  /** What of the sale's net is still in `pending` (0 once released). */
  pendingLeft: number;
  /** Still waiting for its release. */
  held: boolean;
}

function saleOf(sql: SqlStorage, key: string): SaleRow | undefined {
  return sql
    .exec<SaleRow>(
      "SELECT key, tenant_id, currency, gross, platform_fee, processor_fee, release_at FROM sale WHERE key = ?",
      key,
    )
    .toArray()[0];
}

function saleState(sql: SqlStorage, sale: Pick<SaleRow, "key" | "release_at">): SaleState {
  const state: SaleState = {
    refunded: 0,
    disputed: 0,
    reversedPlatformFee: 0,
    reversedProcessorFee: 0,
    pendingLeft: 0,
    held:
      sql
        .exec("SELECT 1 FROM hold WHERE release_at = ? AND sale_key = ?", sale.release_at, sale.key)
        .toArray().length > 0,
  };
  const sums = sql.exec<{ kind: string; account: string; total: number }>(
    `SELECT e.kind, l.account, SUM(l.amount) AS total FROM entry e JOIN line l ON l.entry_seq = e.seq
     WHERE e.sale_key = ? GROUP BY e.kind, l.account`,
    sale.key,
  );
  for (const { kind, account, total } of sums) {
    if (account === "pending") state.pendingLeft -= total;
    else if (account === "provider_clearing" && kind === "refund") state.refunded -= total;
    else if (account === "provider_clearing" && (kind === "dispute" || kind === "dispute_won"))
      state.disputed -= total;
    else if (account === "platform_fees" && kind === "refund") state.reversedPlatformFee += total;
    else if (account === "processor_fees" && kind === "refund") state.reversedProcessorFee += total;
  }
  return state;
}

/**
 * `fee × part / whole`, rounded down, in exact integer arithmetic. Refunds reverse fees by the
 * cumulative share (Σ refunded / gross) minus what earlier refunds reversed, so a sale refunded in
 * pieces reverses exactly its fees once it is refunded in full.
 */
function share(fee: number, part: number, whole: number): number {
  return Number((BigInt(fee) * BigInt(part)) / BigInt(whole));
}

/** The creator's lines for taking `amount` back (positive) or giving it back (negative). */
function creatorLines(currency: CurrencyCode, state: SaleState, amount: number): Line[] {
  if (amount < 0) return [{ account: state.held ? "pending" : "available", currency, amount }];
  const fromPending = Math.min(state.pendingLeft, amount);
  return [
    { account: "pending", currency, amount: fromPending },
    { account: "available", currency, amount: amount - fromPending },
  ];
}

function saleProblem(input: SaleInput): string | null {
  if (!isKey(input.tenantId)) return "tenantId is required";
  if (!SOURCES.has(input.source)) return `unknown source ${String(input.source)}`;
  if (!isCurrency(input.currency)) return "currency must be an ISO 4217 code in upper case";
  if (!isMinorUnits(input.gross, { positive: true })) return "gross must be a positive integer";
  if (!isMinorUnits(input.platformFee) || !isMinorUnits(input.processorFee))
    return "fees must be non-negative integers";
  if (input.platformFee + input.processorFee > input.gross) return "fees exceed the gross amount";
  if (!isInstant(input.occurredAt)) return "occurredAt must be epoch ms";
  if (!Number.isFinite(input.holdDays) || input.holdDays < 0) return "holdDays must be ≥ 0";
  return null;
}

/** When a sale's hold ends. */
export const releaseTime = (input: Pick<SaleInput, "occurredAt" | "holdDays">): number =>
  input.occurredAt + Math.round(input.holdDays * DAY_MS);

export function recordSale(storage: DurableObjectStorage, input: SaleInput, now: number): PostingResult {
  const sql = storage.sql;
  if (!isKey(input.key)) return refused("invalid", "key is required");
  const earlier = decided(sql, input.key, "sale");
  if (earlier) return earlier;
  const problem = saleProblem(input);
  if (problem) return refused("invalid", problem);
  const { key, currency, gross, platformFee, processorFee } = input;
  const releaseAt = releaseTime(input);
  return storage.transactionSync(() => {
    const entryId = post(
      sql,
      {
        key,
        kind: "sale",
        tenantId: input.tenantId,
        occurredAt: input.occurredAt,
        providerRef: input.ref?.providerRef ?? null,
        saleKey: key,
        subjectKey: null,
        lines: [
          { account: "provider_clearing", currency, amount: gross },
          { account: "pending", currency, amount: -(gross - platformFee - processorFee) },
          { account: "platform_fees", currency, amount: -platformFee },
          { account: "processor_fees", currency, amount: -processorFee },
        ],
      },
      now,
    );
    sql.exec(
      `INSERT INTO sale (key, tenant_id, source, currency, gross, platform_fee, processor_fee, occurred_at,
         release_at, purchase_id, subscription_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      key,
      input.tenantId,
      input.source,
      currency,
      gross,
      platformFee,
      processorFee,
      input.occurredAt,
      releaseAt,
      input.ref?.purchaseId ?? null,
      input.ref?.subscriptionId ?? null,
    );
    sql.exec("INSERT INTO hold (release_at, sale_key, currency) VALUES (?, ?, ?)", releaseAt, key, currency);
    return { applied: true, entryId };
  });
}

/**
 * What a refund and a dispute share before they post: the key (a repeat answers the first
 * decision), the input, the sale (unknown: refused for now, nothing remembered), and that refunds
 * and disputes together stay within the sale's gross (remembered as `exceeds_sale`).
 */
function reversalOf(
  sql: SqlStorage,
  input: { key: string; saleKey: string; amount: number; occurredAt: number },
  operation: "refund" | "dispute",
  /** What else the input lacks, in the refusal's words (`a fee`), or null. */
  missing: string | null,
  now: number,
): { result: PostingResult } | { sale: SaleRow; state: SaleState } {
  if (!isKey(input.key)) return { result: refused("invalid", "key is required") };
  const earlier = decided(sql, input.key, operation);
  if (earlier) return { result: earlier };
  if (
    !isKey(input.saleKey) ||
    !isMinorUnits(input.amount, { positive: true }) ||
    missing !== null ||
    !isInstant(input.occurredAt)
  )
    return {
      result: refused(
        "invalid",
        missing === null
          ? "saleKey, a positive integer amount and occurredAt are required"
          : `saleKey, a positive integer amount, ${missing} and occurredAt are required`,
      ),
    };
  const sale = saleOf(sql, input.saleKey);
  if (!sale) return { result: refused("unknown_sale", `no sale ${input.saleKey} (yet)`) };
  const state = saleState(sql, sale);
  if (state.refunded + state.disputed + input.amount > sale.gross)
    return {
      result: refuse(
        sql,
        input.key,
        operation,
        "exceeds_sale",
        `${input.amount} more would take refunds and disputes of ${sale.key} past its gross ${sale.gross}`,
        now,
      ),
    };
  return { sale, state };
}

export function recordRefund(storage: DurableObjectStorage, input: RefundInput, now: number): PostingResult {
  const sql = storage.sql;
  const reversal = reversalOf(sql, input, "refund", null, now);
  if ("result" in reversal) return reversal.result;
  const { sale, state } = reversal;
  const refunded = state.refunded + input.amount;
  const platformFee = share(sale.platform_fee, refunded, sale.gross) - state.reversedPlatformFee;
  const processorFee = share(sale.processor_fee, refunded, sale.gross) - state.reversedProcessorFee;
  const { currency } = sale;
  return storage.transactionSync(() => ({
    applied: true,
    entryId: post(
      sql,
      {
        key: input.key,
        kind: "refund",
        tenantId: sale.tenant_id,
        occurredAt: input.occurredAt,
        providerRef: input.ref?.providerRef ?? null,
        saleKey: sale.key,
        subjectKey: null,
        lines: [
          { account: "provider_clearing", currency, amount: -input.amount },
          { account: "platform_fees", currency, amount: platformFee },
          { account: "processor_fees", currency, amount: processorFee },
          ...creatorLines(currency, state, input.amount - platformFee - processorFee),
        ],
      },
      now,
    ),
  }));
}

export function recordDispute(
  storage: DurableObjectStorage,
  input: DisputeInput,
  now: number,
): PostingResult {
  const sql = storage.sql;
  const reversal = reversalOf(sql, input, "dispute", isMinorUnits(input.fee) ? null : "a fee", now);
  if ("result" in reversal) return reversal.result;
  const { sale, state } = reversal;
  const { currency } = sale;
  return storage.transactionSync(() => {
    const entryId = post(
      sql,
      {
        key: input.key,
        kind: "dispute",
        tenantId: sale.tenant_id,
        occurredAt: input.occurredAt,
        providerRef: input.ref?.providerRef ?? null,
        saleKey: sale.key,
        subjectKey: null,
        lines: [
          { account: "provider_clearing", currency, amount: -input.amount },
          { account: "processor_fees", currency, amount: -input.fee },
          ...creatorLines(currency, state, input.amount + input.fee),
        ],
      },
      now,
    );
    sql.exec(
      "INSERT INTO dispute (key, sale_key, amount, fee) VALUES (?, ?, ?, ?)",
      input.key,
      sale.key,
      input.amount,
      input.fee,
    );
    return { applied: true, entryId };
  });
}

export function closeDispute(
  storage: DurableObjectStorage,
  input: DisputeCloseInput,
  now: number,
): PostingResult {
  const sql = storage.sql;
  if (!isKey(input.key)) return refused("invalid", "key is required");
  const earlier = decided(sql, input.key, "dispute_close");
  if (earlier) return earlier;
  if (!isKey(input.disputeKey) || typeof input.won !== "boolean" || !isInstant(input.occurredAt))
    return refused("invalid", "disputeKey, won and occurredAt are required");
  const dispute = sql
    .exec<{ sale_key: string; amount: number }>(
      "SELECT sale_key, amount FROM dispute WHERE key = ?",
      input.disputeKey,
    )
    .toArray()[0];
  const sale = dispute && saleOf(sql, dispute.sale_key);
  if (!dispute || !sale) return refused("unknown_dispute", `no dispute ${input.disputeKey} (yet)`);
  const kind = input.won ? "dispute_won" : "dispute_lost";
  const closed = closingEntry(sql, input.disputeKey, ["dispute_won", "dispute_lost"]);
  if (closed?.kind === kind) return { applied: false, entryId: closed.id };
  if (closed) return refused("invalid", `dispute ${input.disputeKey} was already closed (${closed.kind})`);
  const { currency } = sale;
  const lines: Line[] = input.won
    ? [
        { account: "provider_clearing", currency, amount: dispute.amount },
        ...creatorLines(currency, saleState(sql, sale), -dispute.amount),
      ]
    : [];
  return storage.transactionSync(() => ({
    applied: true,
    entryId: post(
      sql,
      {
        key: input.key,
        kind,
        tenantId: sale.tenant_id,
        occurredAt: input.occurredAt,
        providerRef: null,
        saleKey: sale.key,
        subjectKey: input.disputeKey,
        lines,
      },
      now,
    ),
  }));
}

/**
 * Releases every held sale whose hold ended by `now`: what is left of its net moves from `pending` to
 * `available` in an entry keyed `release:<saleKey>`. Answers how many were released.
 */
export function releaseMatured(storage: DurableObjectStorage, now: number): number {
  const sql = storage.sql;
  const due = sql
    .exec<{ release_at: number; sale_key: string }>(
      "SELECT release_at, sale_key FROM hold WHERE release_at <= ? ORDER BY release_at, sale_key",
      now,
    )
    .toArray();
  for (const { release_at: releaseAt, sale_key: saleKey } of due) {
    storage.transactionSync(() => {
      const sale = saleOf(sql, saleKey);
      const key = `release:${saleKey}`;
      if (sale && !decided(sql, key, "release")) {
        const left = saleState(sql, sale).pendingLeft;
        post(
          sql,
          {
            key,
            kind: "release",
            tenantId: sale.tenant_id,
            occurredAt: sale.release_at,
            providerRef: null,
            saleKey,
            subjectKey: null,
            lines: [
              { account: "pending", currency: sale.currency, amount: left },
              { account: "available", currency: sale.currency, amount: -left },
            ],
          },
          now,
        );
      }
      sql.exec("DELETE FROM hold WHERE release_at = ? AND sale_key = ?", releaseAt, saleKey);
    });
  }
  return due.length;
}

/** When the next held sale matures, epoch ms, if any. */
export function nextRelease(sql: SqlStorage): number | null {
  return sql.exec<{ at: number | null }>("SELECT MIN(release_at) AS at FROM hold").one().at;
}
