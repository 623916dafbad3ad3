import type {
  CurrencyCode,
  EarningSource,
  EarningsFigures,
  EarningsQuery,
  EarningsReport,
  LedgerAccount,
  LedgerBalance,
  LedgerEntry,
} from "@fun/contracts";

/**
 * Read models over the book. The creator's accounts hold credit balances (lines are positive
 * debits), so they are reported negated: a positive `available` is money owed to the creator.
 */

type CreatorAccount = "pending" | "available" | "reserve" | "paid_out";
const CREATOR_ACCOUNTS: Record<CreatorAccount, keyof Omit<LedgerBalance, "currency" | "nextReleaseAt">> = {
  pending: "pending",
  available: "available",
  reserve: "reserve",
  paid_out: "paidOut",
};

export function balances(sql: SqlStorage): LedgerBalance[] {
  const byCurrency = new Map<CurrencyCode, LedgerBalance>();
  const of = (currency: CurrencyCode): LedgerBalance => {
    let balance = byCurrency.get(currency);
    if (!balance) {
      balance = { currency, pending: 0, available: 0, reserve: 0, paidOut: 0, nextReleaseAt: null };
      byCurrency.set(currency, balance);
    }
    return balance;
  };
  const rows = sql.exec<{ account: LedgerAccount; currency: CurrencyCode; amount: number }>(
    "SELECT account, currency, amount FROM balance WHERE account IN ('pending', 'available', 'reserve', 'paid_out')",
  );
  for (const { account, currency, amount } of rows) {
    of(currency)[CREATOR_ACCOUNTS[account as CreatorAccount]] = 0 - amount;
  }
  const releases = sql.exec<{ currency: CurrencyCode; at: number }>(
    "SELECT currency, MIN(release_at) AS at FROM hold GROUP BY currency",
  );
  for (const { currency, at } of releases) of(currency).nextReleaseAt = at;
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

const zero = (): EarningsFigures => ({ gross: 0, platformFees: 0, processorFees: 0, reversals: 0, net: 0 });

/**
 * Earnings of the sales that occurred in `[from, to)`, with everything that later happened to them
 * (refunds, disputes, fee reversals) counted against them. `net` is what the creator keeps:
 * gross − fees − reversals, where processor fees include dispute fees. `pending` and `available` are
 * the creator's whole balances now (money is pooled across brands once earned).
 */
export function earnings(sql: SqlStorage, query: EarningsQuery): EarningsReport[] {
  if (!Number.isFinite(query.from) || !Number.isFinite(query.to))
    throw new RangeError("from and to are epoch ms");
  const tenantFilter = query.tenantId === undefined ? "" : "AND s.tenant_id = ?";
  const rows = sql.exec<{
    currency: CurrencyCode;
    source: EarningSource;
    tenant_id: string;
    kind: LedgerEntry["kind"];
    account: LedgerAccount;
    total: number;
  }>(
    `SELECT s.currency, s.source, s.tenant_id, e.kind, l.account, SUM(l.amount) AS total
     FROM sale s JOIN entry e ON e.sale_key = s.key JOIN line l ON l.entry_seq = e.seq
     WHERE s.occurred_at >= ? AND s.occurred_at < ? ${tenantFilter}
     GROUP BY s.currency, s.source, s.tenant_id, e.kind, l.account`,
    query.from,
    query.to,
    ...(query.tenantId === undefined ? [] : [query.tenantId]),
  );
  const reports = new Map<CurrencyCode, EarningsReport>();
  const reportOf = (currency: CurrencyCode): EarningsReport => {
    let report = reports.get(currency);
    if (!report) {
      report = {
        currency,
        totals: zero(),
        bySource: { subscription: zero(), ppv: zero(), tip: zero() },
        byTenant: {},
        pending: 0,
        available: 0,
      };
      reports.set(currency, report);
    }
    return report;
  };
  for (const { currency, source, tenant_id: tenantId, kind, account, total } of rows) {
    const report = reportOf(currency);
    report.byTenant[tenantId] ??= zero();
    for (const figures of [report.totals, report.bySource[source], report.byTenant[tenantId]]) {
      if (account === "provider_clearing") {
        if (kind === "sale") figures.gross += total;
        else figures.reversals -= total;
      } else if (account === "platform_fees") figures.platformFees -= total;
      else if (account === "processor_fees") figures.processorFees -= total;
      // Releases move money between the two and add nothing to the net.
      else if (account === "pending" || account === "available") figures.net -= total;
    }
  }
  for (const balance of balances(sql)) {
    if (!reports.has(balance.currency) && balance.pending === 0 && balance.available === 0) continue;
    const report = reportOf(balance.currency);
    report.pending = balance.pending;
    report.available = balance.available;
  }
  return [...reports.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

export const MAX_ENTRIES_PAGE = 1000;

/** Entries in the order they were written, after the entry `after` (an entry id), at most `limit`. */
export function entries(sql: SqlStorage, query: { after?: string; limit: number }): LedgerEntry[] {
  const limit = Math.max(1, Math.min(MAX_ENTRIES_PAGE, Math.floor(query.limit) || 1));
  let afterSeq = 0;
  if (query.after !== undefined) {
    const row = sql.exec<{ seq: number }>("SELECT seq FROM entry WHERE id = ?", query.after).toArray()[0];
    if (!row) throw new RangeError(`unknown ledger entry ${query.after}`);
    afterSeq = row.seq;
  }
  const rows = sql
    .exec<{
      seq: number;
      id: string;
      key: string;
      kind: LedgerEntry["kind"];
      tenant_id: string | null;
      occurred_at: number;
      provider_ref: string | null;
    }>(
      "SELECT seq, id, key, kind, tenant_id, occurred_at, provider_ref FROM entry WHERE seq > ? ORDER BY seq LIMIT ?",
      afterSeq,
      limit,
    )
    .toArray();
  const last = rows.at(-1);
  if (!last) return [];
  const out = new Map<number, LedgerEntry>(
    rows.map((row) => [
      row.seq,
      {
        id: row.id,
        key: row.key,
        kind: row.kind,
        tenantId: row.tenant_id,
        occurredAt: row.occurred_at,
        providerRef: row.provider_ref,
        lines: [],
      },
    ]),
  );
  const lines = sql.exec<{
    entry_seq: number;
    account: LedgerAccount;
    currency: CurrencyCode;
    amount: number;
  }>(
    "SELECT entry_seq, account, currency, amount FROM line WHERE entry_seq > ? AND entry_seq <= ? ORDER BY entry_seq, position",
    afterSeq,
    last.seq,
  );
  for (const { entry_seq: seq, account, currency, amount } of lines) {
    out.get(seq)?.lines.push({ account, currency, amount });
  }
  return [...out.values()];
}
