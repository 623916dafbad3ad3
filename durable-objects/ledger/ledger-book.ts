import type {
  CurrencyCode,
  LedgerAccount,
  LedgerEntry,
  LedgerRefusal,
  MinorUnits,
  PostingResult,
} from "@fun/contracts";
import { ulid } from "@fun/core";

/**
 * The book's primitives: one posting (an entry and its lines, which must sum to zero per currency),
 * the answer a key already has, and the running balances. Callers wrap a posting and the facts that
 * go with it in one `transactionSync`, so they land together or not at all.
 */

export type EntryKind = LedgerEntry["kind"];

/** What a key names: one call of one RPC method. A key is good for one operation only. */
export type Operation =
  | "sale"
  | "release"
  | "refund"
  | "dispute"
  | "dispute_close"
  | "payout_request"
  | "payout_settle"
  | "payout_fail";

const OPERATION_OF_KIND: Record<EntryKind, Operation> = {
  sale: "sale",
  release: "release",
  refund: "refund",
  dispute: "dispute",
  dispute_won: "dispute_close",
  dispute_lost: "dispute_close",
  payout_reserve: "payout_request",
  payout_settle: "payout_settle",
  payout_release: "payout_fail",
};

export interface Line {
  account: LedgerAccount;
  currency: CurrencyCode;
  /** Positive debit, negative credit (the contract's convention). */
  amount: MinorUnits;
}

export interface NewEntry {
  key: string;
  kind: EntryKind;
  tenantId: string | null;
  occurredAt: number;
  providerRef: string | null;
  /** The sale this entry moves money of (its own key for a sale). */
  saleKey: string | null;
  /** The dispute or payout a close, settle or fail answers. */
  subjectKey: string | null;
  lines: Line[];
}

/**
 * Refusals that may turn into a posting later (the event they depend on arrived early) are not
 * remembered; every other refusal is, so the same key keeps getting the same answer even after the
 * balances change (a payout refused for lack of funds stays refused when the money arrives).
 */
const TRANSIENT_REFUSALS: ReadonlySet<LedgerRefusal> = new Set([
  "unknown_sale",
  "unknown_dispute",
  "unknown_payout",
  "invalid",
]);

export const refused = (refusal: LedgerRefusal, detail: string): PostingResult => ({
  applied: false,
  refused: refusal,
  detail,
});

/** The answer a key already has, or null when it is new. */
export function decided(sql: SqlStorage, key: string, operation: Operation): PostingResult | null {
  // One statement for both tables: this runs before every posting.
  const row = sql
    .exec<{ id: string | null; kind: string; refusal: LedgerRefusal | null; detail: string | null }>(
      `SELECT id, kind, NULL AS refusal, NULL AS detail FROM entry WHERE key = ?1
       UNION ALL SELECT NULL, kind, refusal, detail FROM refusal WHERE key = ?1`,
      key,
    )
    .toArray()[0];
  if (!row) return null;
  const usedFor = row.id === null ? (row.kind as Operation) : OPERATION_OF_KIND[row.kind as EntryKind];
  if (usedFor !== operation) return refused("invalid", `key ${key} was used for a ${usedFor}`);
  if (row.id !== null) return { applied: false, entryId: row.id };
  return refused(row.refusal ?? "invalid", row.detail ?? "");
}

/** Refuses the operation, remembering the answer under its key unless the refusal may pass later. */
export function refuse(
  sql: SqlStorage,
  key: string,
  operation: Operation,
  refusal: LedgerRefusal,
  detail: string,
  now: number,
): PostingResult {
  if (!TRANSIENT_REFUSALS.has(refusal)) {
    sql.exec(
      "INSERT INTO refusal (key, kind, refusal, detail, recorded_at) VALUES (?, ?, ?, ?, ?)",
      key,
      operation,
      refusal,
      detail,
      now,
    );
  }
  return refused(refusal, detail);
}

/** Writes one entry and its non-zero lines, and moves the running balances; answers the entry id. */
export function post(sql: SqlStorage, entry: NewEntry, now: number): string {
  const sums = new Map<string, number>();
  for (const line of entry.lines) {
    if (!Number.isSafeInteger(line.amount)) throw new RangeError(`${entry.kind}: non-integer line amount`);
    sums.set(line.currency, (sums.get(line.currency) ?? 0) + line.amount);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0) throw new RangeError(`${entry.kind} ${entry.key}: lines sum to ${sum} ${currency}`);
  }
  const id = `len_${ulid(now)}`;
  const { seq } = sql
    .exec<{ seq: number }>(
      `INSERT INTO entry (id, key, kind, tenant_id, occurred_at, provider_ref, sale_key, subject_key, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      id,
      entry.key,
      entry.kind,
      entry.tenantId,
      entry.occurredAt,
      entry.providerRef,
      entry.saleKey,
      entry.subjectKey,
      now,
    )
    .one();
  // One multi-row statement each for the lines and the balances they move.
  const lines = entry.lines.filter((line) => line.amount !== 0);
  if (lines.length > 0) {
    const rows = lines.map(() => "(?, ?, ?, ?, ?)").join(", ");
    sql.exec(
      `INSERT INTO line (entry_seq, position, account, currency, amount) VALUES ${rows}`,
      ...lines.flatMap((line, position) => [seq, position, line.account, line.currency, line.amount]),
    );
    sql.exec(
      `INSERT INTO balance (account, currency, amount) VALUES ${lines.map(() => "(?, ?, ?)").join(", ")}
       ON CONFLICT (account, currency) DO UPDATE SET amount = amount + excluded.amount`,
      ...lines.flatMap((line) => [line.account, line.currency, line.amount]),
    );
  }
  return id;
}

/** The raw balance of one account (Σ of its lines: debits positive). */
export function rawBalance(sql: SqlStorage, account: LedgerAccount, currency: CurrencyCode): number {
  const row = sql
    .exec<{ amount: number }>(
      "SELECT amount FROM balance WHERE account = ? AND currency = ?",
      account,
      currency,
    )
    .toArray()[0];
  return row?.amount ?? 0;
}

/** An earlier close of a dispute or payout (settled or failed), if any. */
export function closingEntry(
  sql: SqlStorage,
  subjectKey: string,
  kinds: readonly EntryKind[],
): { id: string; kind: EntryKind } | undefined {
  return sql
    .exec<{ id: string; kind: EntryKind }>(
      `SELECT id, kind FROM entry WHERE subject_key = ? AND kind IN (${kinds.map(() => "?").join(", ")})`,
      subjectKey,
      ...kinds,
    )
    .toArray()[0];
}

export const isMinorUnits = (value: unknown, { positive = false } = {}): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && (positive ? value > 0 : value >= 0);

export const isCurrency = (value: unknown): value is CurrencyCode =>
  typeof value === "string" && /^[A-Z]{3}$/.test(value);

export const isKey = (value: unknown): value is string =>
  typeof value === "string" && value.length > 0 && value.length <= 200;

export const isInstant = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);
