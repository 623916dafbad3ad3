import type { LedgerEntry } from "@fun/contracts";
import { newId } from "@fun/core";
import { commerceSale, payout, reconciliationReport } from "@fun/db";
import { and, gte, lt } from "drizzle-orm";
import { type Commerce, ledgerOf } from "./commerce-context";
import type { BalanceTransaction } from "./provider";

/**
 * The daily reconciliation: every movement of money at the provider on one UTC day (its balance
 * transactions) against what the creators' ledgers posted for that day, matched by the provider ids
 * the ledger keys postings by. Each difference is reported: a movement one side has and the other
 * has not, or amounts or processor fees that disagree.
 *
 * A payout leaves the provider's balance when it is requested (the transfer to the creator's account),
 * which is the moment the ledger moves it out of `available` (`payout_reserve`, key `payout:<id>`); so
 * that entry is the payout's ledger side, whenever the bank later pays it (`payout_settle` moves money
 * only between the creator's own accounts). A failed payout comes back to the provider's balance as
 * the ledger returns it to `available` (`payout_release`), the same movement in the other direction.
 */

export interface Difference {
  kind: "missing_in_ledger" | "missing_at_provider" | "amount_mismatch" | "fee_mismatch";
  /** `charge:pi_…`, `refund:re_…`, `dispute:dp_…`, `dispute_won:dp_…`, `payout:pay_…`. */
  movement: string;
  currency: string;
  provider: number | null;
  ledger: number | null;
}

type Totals = Map<string, { amount: number; fee: number; currency: string }>;

const DAY = 24 * 60 * 60 * 1000;

/** Which provider movement a ledger entry is, by the key it was posted under. */
function movementOf(entry: LedgerEntry): string | null {
  const [prefix, ref] = [
    entry.key.slice(0, entry.key.indexOf(":")),
    entry.key.slice(entry.key.indexOf(":") + 1),
  ];
  switch (entry.kind) {
    case "sale":
      return prefix === "sale" ? `charge:${ref}` : null;
    case "refund":
      return `refund:${ref}`;
    case "dispute":
      return `dispute:${ref}`;
    case "dispute_won":
      return `dispute_won:${ref}`;
    case "payout_reserve":
    case "payout_release":
      return `payout:${ref}`;
    default:
      return null;
  }
}

function add(totals: Totals, movement: string, currency: string, amount: number, fee: number) {
  const current = totals.get(movement) ?? { amount: 0, fee: 0, currency };
  totals.set(movement, { amount: current.amount + amount, fee: current.fee + fee, currency });
}

async function ledgerEntriesFor(commerce: Commerce, creators: string[], range: { from: number; to: number }) {
  const found: LedgerEntry[] = [];
  for (const creator of creators) {
    const ledger = ledgerOf(commerce.env, creator);
    let after: string | undefined;
    for (;;) {
      const page = await ledger.entries({ ...(after ? { after } : {}), limit: 500 });
      found.push(...page.filter((entry) => entry.occurredAt >= range.from && entry.occurredAt < range.to));
      if (page.length < 500) break;
      after = page[page.length - 1]?.id;
    }
  }
  return found;
}

/** Compares the two sides; pure, so the rules are tested without a provider. */
export function compareMovements(
  providerSide: BalanceTransaction[],
  ledgerSide: LedgerEntry[],
): Difference[] {
  const provider: Totals = new Map();
  for (const transaction of providerSide) {
    add(
      provider,
      `${transaction.type}:${transaction.ref}`,
      transaction.currency,
      transaction.amount,
      transaction.fee,
    );
  }
  const ledger: Totals = new Map();
  for (const entry of ledgerSide) {
    const movement = movementOf(entry);
    if (!movement) continue;
    const currency = entry.lines[0]?.currency ?? "";
    // Payout postings have no `provider_clearing` line: what leaves (or comes back to) the provider's
    // balance is what leaves (or comes back to) the creator's `available`, with the provider's sign.
    const account =
      entry.kind === "payout_reserve" || entry.kind === "payout_release" ? "available" : "provider_clearing";
    const sign = account === "available" ? -1 : 1;
    const clearing =
      sign * entry.lines.filter((l) => l.account === account).reduce((s, l) => s + l.amount, 0);
    // Sales and disputes carry the processor's fee as a credit to `processor_fees`.
    const fee =
      entry.kind === "sale" || entry.kind === "dispute"
        ? -entry.lines.filter((l) => l.account === "processor_fees").reduce((s, l) => s + l.amount, 0)
        : 0;
    add(ledger, movement, currency, clearing, fee);
  }
  const differences: Difference[] = [];
  for (const [movement, theirs] of provider) {
    const ours = ledger.get(movement);
    const base = { movement, currency: theirs.currency };
    if (!ours) {
      if (theirs.amount !== 0)
        differences.push({ ...base, kind: "missing_in_ledger", provider: theirs.amount, ledger: null });
    } else if (ours.amount !== theirs.amount) {
      differences.push({ ...base, kind: "amount_mismatch", provider: theirs.amount, ledger: ours.amount });
    } else if (
      !movement.startsWith("refund:") &&
      !movement.startsWith("payout:") &&
      ours.fee !== theirs.fee
    ) {
      differences.push({ ...base, kind: "fee_mismatch", provider: theirs.fee, ledger: ours.fee });
    }
  }
  for (const [movement, ours] of ledger) {
    if (!provider.has(movement) && ours.amount !== 0) {
      differences.push({
        movement,
        currency: ours.currency,
        kind: "missing_at_provider",
        provider: null,
        ledger: ours.amount,
      });
    }
  }
  return differences;
}

/** Reconciles one UTC day (by default yesterday) and stores the report; answers the differences. */
export async function reconcileDay(
  commerce: Commerce,
  day?: string,
): Promise<{ day: string; checked: number; differences: Difference[] }> {
  const date = day ?? new Date(Date.now() - DAY).toISOString().slice(0, 10);
  const from = Date.parse(`${date}T00:00:00Z`);
  const range = { from, to: from + DAY };
  // Creators who sold or were paid out around that day (a payout settles days after its request).
  const sellers = await commerce.db
    .selectDistinct({ id: commerceSale.creatorProfileId })
    .from(commerceSale)
    .where(and(gte(commerceSale.occurredAt, range.from - 120 * DAY), lt(commerceSale.occurredAt, range.to)));
  const paid = await commerce.db
    .selectDistinct({ id: payout.profileId })
    .from(payout)
    .where(and(gte(payout.createdAt, range.from - 30 * DAY), lt(payout.createdAt, range.to)));
  const creators = [...new Set([...sellers, ...paid].map((row) => row.id))];
  const [providerSide, ledgerSide] = await Promise.all([
    commerce.provider.balanceTransactions(range),
    ledgerEntriesFor(commerce, creators, range),
  ]);
  const differences = compareMovements(providerSide, ledgerSide);
  const checked = providerSide.length;
  await commerce.db
    .insert(reconciliationReport)
    .values({
      id: newId("reconciliation"),
      provider: commerce.provider.name,
      day: date,
      checked,
      differences,
      createdAt: Date.now(),
    })
    .onConflictDoUpdate({
      target: [reconciliationReport.provider, reconciliationReport.day],
      set: { checked, differences, createdAt: Date.now() },
    });
  console.log(
    JSON.stringify({
      level: differences.length ? "warn" : "info",
      service: "gateway",
      message: "reconciliation",
      provider: commerce.provider.name,
      day: date,
      checked,
      differences,
    }),
  );
  return { day: date, checked, differences };
}
