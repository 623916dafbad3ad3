/**
 * The creator ledger: one Durable Object per creator (`LEDGER.idFromName(creatorProfileId)`), a
 * double-entry book of that creator's earnings in integer minor units. Commerce (webhooks, payouts,
 * earnings) talks to it only through these RPC methods.
 *
 * Every posting method takes a `key`: the idempotency key of the operation, derived from the
 * provider's own ids (`sale:ch_123`, `refund:re_456`, `payout:po_789`). Applying the same key twice
 * changes nothing and answers `{ applied: false }` with the first posting's result.
 *
 * Accounts, per currency: the creator's `pending` (earned, inside the brand's hold period),
 * `available` (may be paid out), `reserve` (set aside for a payout in flight) and `paid_out`; the
 * platform's `platform_fees`, the processor's `processor_fees`, and `provider_clearing` (money held at
 * the payment provider, the other side of every sale, refund, dispute and payout). Every posting's
 * lines sum to zero per currency; entries are never changed, corrections are reversing entries.
 */

/** Integer minor units of `currency` (cents for USD). Never a float. */
export type MinorUnits = number;

/** ISO 4217, upper case: "USD", "EUR". */
export type CurrencyCode = string;

export type EarningSource = "subscription" | "ppv" | "tip";

export const LEDGER_ACCOUNTS = [
  "pending",
  "available",
  "reserve",
  "paid_out",
  "platform_fees",
  "processor_fees",
  "provider_clearing",
] as const;
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];

export interface SaleInput {
  key: string;
  /** The brand the fan paid on: fees and reports are per brand. */
  tenantId: string;
  source: EarningSource;
  currency: CurrencyCode;
  /** What the fan paid. */
  gross: MinorUnits;
  /** The brand's cut (0 when creators keep 100 %). */
  platformFee: MinorUnits;
  /** What the processor charged; always recorded, whoever bears it. */
  processorFee: MinorUnits;
  /** When the money was taken (the provider's timestamp), epoch ms. */
  occurredAt: number;
  /** The brand's hold period: the net becomes available at `occurredAt + holdDays` days. */
  holdDays: number;
  /** Our ids and the provider's, for reports and reconciliation. */
  ref: { purchaseId?: string; subscriptionId?: string; providerRef?: string };
}

export interface RefundInput {
  key: string;
  /** The `key` of the sale being refunded. */
  saleKey: string;
  /** Gross amount refunded to the fan (≤ what is left of the sale); fees are reversed pro rata. */
  amount: MinorUnits;
  occurredAt: number;
  ref?: { providerRef?: string };
}

export interface DisputeInput {
  key: string;
  saleKey: string;
  /** Amount the processor pulled back. */
  amount: MinorUnits;
  /** The processor's dispute fee, charged to the creator. */
  fee: MinorUnits;
  occurredAt: number;
  ref?: { providerRef?: string };
}

export interface DisputeCloseInput {
  key: string;
  /** The `key` of the dispute. */
  disputeKey: string;
  /** Won: the disputed amount comes back (the fee does not). Lost: nothing moves. */
  won: boolean;
  occurredAt: number;
}

export interface PayoutRequestInput {
  key: string;
  currency: CurrencyCode;
  amount: MinorUnits;
  /** The smallest payout the brand allows. */
  minimum: MinorUnits;
  occurredAt: number;
}

export interface PayoutSettleInput {
  key: string;
  /** The `key` of the payout request. */
  payoutKey: string;
  occurredAt: number;
}

export type PostingResult =
  | { applied: true; entryId: string }
  /** The key was applied before: nothing changed. */
  | { applied: false; entryId: string }
  /** Refused, nothing written. `unknown_sale`, `unknown_dispute`, `unknown_payout` may succeed later (an event that arrived early). */
  | { applied: false; refused: LedgerRefusal; detail: string };

export type LedgerRefusal =
  | "unknown_sale"
  | "unknown_dispute"
  | "unknown_payout"
  | "exceeds_sale"
  | "insufficient_funds"
  | "negative_balance"
  | "below_minimum"
  | "payout_closed"
  | "invalid";

export interface LedgerBalance {
  currency: CurrencyCode;
  pending: MinorUnits;
  /** May be negative after a refund or chargeback of paid-out money: payouts are then blocked. */
  available: MinorUnits;
  reserve: MinorUnits;
  paidOut: MinorUnits;
  /** When the next pending amount becomes available, epoch ms, if any. */
  nextReleaseAt: number | null;
}

export interface EarningsQuery {
  /** One brand, or all brands when absent. */
  tenantId?: string;
  /** Epoch ms, inclusive start and exclusive end, on the sale's `occurredAt`. */
  from: number;
  to: number;
}

export interface EarningsFigures {
  gross: MinorUnits;
  platformFees: MinorUnits;
  processorFees: MinorUnits;
  /** Refunds and chargebacks (positive numbers). */
  reversals: MinorUnits;
  net: MinorUnits;
}

export interface EarningsReport {
  currency: CurrencyCode;
  totals: EarningsFigures;
  bySource: Record<EarningSource, EarningsFigures>;
  byTenant: Record<string, EarningsFigures>;
  pending: MinorUnits;
  available: MinorUnits;
}

export interface LedgerEntryLine {
  account: LedgerAccount;
  currency: CurrencyCode;
  /** Positive debit, negative credit; the lines of an entry sum to zero per currency. */
  amount: MinorUnits;
}

export interface LedgerEntry {
  id: string;
  key: string;
  kind:
    | "sale"
    | "release"
    | "refund"
    | "dispute"
    | "dispute_won"
    /** A dispute closed as lost: no lines (the money left with the dispute), the close on record. */
    | "dispute_lost"
    | "payout_reserve"
    | "payout_settle"
    | "payout_release";
  tenantId: string | null;
  occurredAt: number;
  providerRef: string | null;
  lines: LedgerEntryLine[];
}

/** The RPC surface of the `CreatorLedger` Durable Object. */
export interface CreatorLedgerRpc {
  recordSale(input: SaleInput): Promise<PostingResult>;
  recordRefund(input: RefundInput): Promise<PostingResult>;
  recordDispute(input: DisputeInput): Promise<PostingResult>;
  closeDispute(input: DisputeCloseInput): Promise<PostingResult>;
  /** Moves `amount` from available to reserve at once, or refuses (below minimum, not enough available, negative balance). */
  requestPayout(input: PayoutRequestInput): Promise<PostingResult>;
  /** The provider paid it: reserve → paid out. Exactly once; a later `failPayout` for it is refused. */
  settlePayout(input: PayoutSettleInput): Promise<PostingResult>;
  /** The provider failed it: reserve → available. Exactly once; a later `settlePayout` is refused. */
  failPayout(input: PayoutSettleInput): Promise<PostingResult>;
  balances(): Promise<LedgerBalance[]>;
  earnings(query: EarningsQuery): Promise<EarningsReport[]>;
  /** Entries in order, for reconciliation and audits. */
  entries(query: { after?: string; limit: number }): Promise<LedgerEntry[]>;
}
