import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { LedgerEntry, PostingResult, SaleInput } from "@fun/contracts";
import { describe, expect, it } from "vitest";
import type { CreatorLedger } from "./ledger";
import { DAY_MS } from "./sale-postings";

const ledgers = (env as unknown as { LEDGER: DurableObjectNamespace<CreatorLedger> }).LEDGER;
let creators = 0;

/** The ledger of a creator no other test uses. */
const freshLedger = () => ledgers.get(ledgers.idFromName(`prf_ledger_test_${++creators}`));
type Ledger = ReturnType<typeof freshLedger>;

let sales = 0;
/** A $10 subscription sale on girlfanz: 20 % platform fee, 59 ¢ processor fee, net 741. */
function sale(overrides: Partial<SaleInput> = {}): SaleInput {
  return {
    key: `sale:ch_${++sales}`,
    tenantId: "ten_girlfanz",
    source: "subscription",
    currency: "USD",
    gross: 1000,
    platformFee: 200,
    processorFee: 59,
    occurredAt: Date.now(),
    holdDays: 7,
    ref: { providerRef: `ch_${sales}` },
    ...overrides,
  };
}

/** A sale whose hold ended a day ago. */
const maturedSale = (overrides: Partial<SaleInput> = {}) =>
  sale({ occurredAt: Date.now() - 8 * DAY_MS, ...overrides });

const entryId = (result: PostingResult) => {
  if (!("entryId" in result)) throw new Error(`refused: ${JSON.stringify(result)}`);
  return result.entryId;
};

async function usd(ledger: Ledger) {
  const all = await ledger.balances();
  return all.find((b) => b.currency === "USD") ?? { pending: 0, available: 0, reserve: 0, paidOut: 0 };
}

async function allEntries(ledger: Ledger): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for (;;) {
    const page = await ledger.entries({ after: out.at(-1)?.id, limit: 100 });
    if (page.length === 0) return out;
    out.push(...page);
  }
}

/** Σ of every line per currency: zero in a balanced book. */
async function totals(ledger: Ledger): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const entry of await allEntries(ledger))
    for (const line of entry.lines) sums[line.currency] = (sums[line.currency] ?? 0) + line.amount;
  return sums;
}

/** Runs the ledger's alarm (it may already have run by itself when a hold ended in the past). */
async function releaseDue(ledger: Ledger) {
  await runDurableObjectAlarm(ledger);
}

describe("the creator ledger: sales and holds", () => {
  it("records a sale as balanced lines: provider clearing debited, the creator's pending and both fees credited", async () => {
    const ledger = freshLedger();
    const input = sale();
    const result = await ledger.recordSale(input);
    expect(result).toMatchObject({ applied: true, entryId: expect.stringMatching(/^len_/) });
    const [entry] = await ledger.entries({ limit: 10 });
    expect(entry).toMatchObject({
      id: entryId(result),
      key: input.key,
      kind: "sale",
      tenantId: "ten_girlfanz",
      occurredAt: input.occurredAt,
      providerRef: input.ref.providerRef,
    });
    expect(entry?.lines).toEqual([
      { account: "provider_clearing", currency: "USD", amount: 1000 },
      { account: "pending", currency: "USD", amount: -741 },
      { account: "platform_fees", currency: "USD", amount: -200 },
      { account: "processor_fees", currency: "USD", amount: -59 },
    ]);
    expect(await ledger.balances()).toEqual([
      {
        currency: "USD",
        pending: 741,
        available: 0,
        reserve: 0,
        paidOut: 0,
        nextReleaseAt: input.occurredAt + 7 * DAY_MS,
      },
    ]);
  });

  it("records the processor fee when the platform takes 0 % (creators keep 100 %)", async () => {
    const ledger = freshLedger();
    await ledger.recordSale(sale({ platformFee: 0, processorFee: 59 }));
    const [entry] = await ledger.entries({ limit: 1 });
    expect(entry?.lines).toEqual([
      { account: "provider_clearing", currency: "USD", amount: 1000 },
      { account: "pending", currency: "USD", amount: -941 },
      { account: "processor_fees", currency: "USD", amount: -59 },
    ]);
    expect((await usd(ledger)).pending).toBe(941);
  });

  it("applies a sale once: the same key three times answers the first entry and writes nothing more", async () => {
    const ledger = freshLedger();
    const input = sale();
    const first = await ledger.recordSale(input);
    const again = await Promise.all([
      ledger.recordSale(input),
      ledger.recordSale({ ...input, gross: 5000 }),
      ledger.recordSale(input),
    ]);
    for (const result of again) expect(result).toEqual({ applied: false, entryId: entryId(first) });
    expect(await allEntries(ledger)).toHaveLength(1);
    expect((await usd(ledger)).pending).toBe(741);
  });

  it("refuses malformed sales and writes nothing", async () => {
    const ledger = freshLedger();
    for (const bad of [
      sale({ gross: 10.5 }),
      sale({ gross: 0 }),
      sale({ platformFee: 900, processorFee: 200 }),
      sale({ currency: "usd" }),
      sale({ holdDays: -1 }),
      sale({ source: "gift" as SaleInput["source"] }),
    ]) {
      expect(await ledger.recordSale(bad)).toMatchObject({ applied: false, refused: "invalid" });
    }
    expect(await ledger.entries({ limit: 10 })).toEqual([]);
  });

  it("refuses a key already used for another operation", async () => {
    const ledger = freshLedger();
    const input = sale();
    await ledger.recordSale(input);
    expect(
      await ledger.recordRefund({ key: input.key, saleKey: input.key, amount: 100, occurredAt: Date.now() }),
    ).toMatchObject({ applied: false, refused: "invalid" });
    expect(await allEntries(ledger)).toHaveLength(1);
  });

  it("releases matured sales into available by alarm and re-arms for the next hold", async () => {
    const ledger = freshLedger();
    const later = sale();
    await ledger.recordSale(later);
    const matured = maturedSale({ gross: 2000, platformFee: 0, processorFee: 88 });
    await ledger.recordSale(matured);
    await releaseDue(ledger);
    expect(await ledger.balances()).toEqual([
      {
        currency: "USD",
        pending: 741,
        available: 1912,
        reserve: 0,
        paidOut: 0,
        nextReleaseAt: later.occurredAt + 7 * DAY_MS,
      },
    ]);
    const release = (await allEntries(ledger)).find((e) => e.kind === "release");
    expect(release).toMatchObject({ key: `release:${matured.key}`, tenantId: "ten_girlfanz" });
    expect(release?.lines).toEqual([
      { account: "pending", currency: "USD", amount: 1912 },
      { account: "available", currency: "USD", amount: -1912 },
    ]);
    const armed = await runInDurableObject(ledger, (_instance, state) => state.storage.getAlarm());
    expect(armed).toBe(later.occurredAt + 7 * DAY_MS);
    // Running the alarm again releases nothing that has not matured.
    await releaseDue(ledger);
    expect((await usd(ledger)).pending).toBe(741);
    expect(await totals(ledger)).toEqual({ USD: 0 });
  });
});

describe("the creator ledger: refunds and disputes", () => {
  it("refunds pro rata from pending while the sale is held, and never beyond the sale", async () => {
    const ledger = freshLedger();
    const input = sale();
    await ledger.recordSale(input);
    const now = Date.now();
    const first = await ledger.recordRefund({
      key: "refund:re_1",
      saleKey: input.key,
      amount: 400,
      occurredAt: now,
    });
    const [, refund] = await ledger.entries({ limit: 2 });
    expect(refund).toMatchObject({ id: entryId(first), kind: "refund", key: "refund:re_1" });
    // 40 % of the fees come back: 80 of 200, 23 of 59 (rounded down), the rest from the creator.
    expect(refund?.lines).toEqual([
      { account: "provider_clearing", currency: "USD", amount: -400 },
      { account: "platform_fees", currency: "USD", amount: 80 },
      { account: "processor_fees", currency: "USD", amount: 23 },
      { account: "pending", currency: "USD", amount: 297 },
    ]);
    await ledger.recordRefund({ key: "refund:re_2", saleKey: input.key, amount: 600, occurredAt: now });
    // Refunded in full: every fee reversed exactly, nothing left for the creator.
    expect((await usd(ledger)).pending).toBe(0);
    const [report] = await ledger.earnings({ from: now - DAY_MS, to: now + DAY_MS });
    expect(report?.totals).toEqual({
      gross: 1000,
      platformFees: 0,
      processorFees: 0,
      reversals: 1000,
      net: 0,
    });
    const over = { key: "refund:re_3", saleKey: input.key, amount: 1, occurredAt: now };
    expect(await ledger.recordRefund(over)).toMatchObject({ applied: false, refused: "exceeds_sale" });
    expect(await ledger.recordRefund(over)).toMatchObject({ applied: false, refused: "exceeds_sale" });
    expect(await allEntries(ledger)).toHaveLength(3);
    expect(await totals(ledger)).toEqual({ USD: 0 });
  });

  it("refuses a refund of a sale it has not seen, remembering nothing, so it applies once the sale arrives", async () => {
    const ledger = freshLedger();
    const input = sale();
    const refund = { key: "refund:re_early", saleKey: input.key, amount: 1000, occurredAt: Date.now() };
    expect(await ledger.recordRefund(refund)).toMatchObject({ applied: false, refused: "unknown_sale" });
    expect(await ledger.entries({ limit: 10 })).toEqual([]);
    await ledger.recordSale(input);
    expect(await ledger.recordRefund(refund)).toMatchObject({ applied: true });
    expect(await usd(ledger)).toMatchObject({ pending: 0, available: 0 });
  });

  it("takes a refund after payout from available, which goes negative and blocks payouts", async () => {
    const ledger = freshLedger();
    const input = maturedSale();
    await ledger.recordSale(input);
    await releaseDue(ledger);
    const now = Date.now();
    const payout = { key: "payout:po_1", currency: "USD", amount: 741, minimum: 500, occurredAt: now };
    expect(await ledger.requestPayout(payout)).toMatchObject({ applied: true });
    expect(
      await ledger.settlePayout({ key: "payout_paid:po_1", payoutKey: payout.key, occurredAt: now }),
    ).toMatchObject({ applied: true });
    await ledger.recordRefund({ key: "refund:re_1", saleKey: input.key, amount: 1000, occurredAt: now });
    expect(await usd(ledger)).toMatchObject({ pending: 0, available: -741, reserve: 0, paidOut: 741 });
    // A new sale that matures does not lift the block while the balance stays negative.
    await ledger.recordSale(maturedSale({ gross: 700, platformFee: 0, processorFee: 0 }));
    await releaseDue(ledger);
    expect((await usd(ledger)).available).toBe(-41);
    expect(
      await ledger.requestPayout({ ...payout, key: "payout:po_2", amount: 500, minimum: 0 }),
    ).toMatchObject({ applied: false, refused: "negative_balance" });
    expect(await totals(ledger)).toEqual({ USD: 0 });
  });

  it("takes a dispute and its fee from the creator; a lost dispute moves nothing more", async () => {
    const ledger = freshLedger();
    const input = sale();
    await ledger.recordSale(input);
    const now = Date.now();
    const dispute = { key: "dispute:dp_1", saleKey: input.key, amount: 1000, fee: 1500, occurredAt: now };
    expect(await ledger.recordDispute(dispute)).toMatchObject({ applied: true });
    // Pending had 741 of this sale; the other 1759 of the 2500 comes out of available.
    expect(await usd(ledger)).toMatchObject({ pending: 0, available: -1759 });
    const close = { key: "dispute_closed:dp_1", disputeKey: dispute.key, won: false, occurredAt: now };
    const lost = await ledger.closeDispute(close);
    expect(lost).toMatchObject({ applied: true });
    expect(await ledger.closeDispute(close)).toEqual({ applied: false, entryId: entryId(lost) });
    // A second close under another key answers the first; the other outcome is refused.
    expect(await ledger.closeDispute({ ...close, key: "dispute_closed:again" })).toEqual({
      applied: false,
      entryId: entryId(lost),
    });
    expect(await ledger.closeDispute({ ...close, key: "dispute_closed:won", won: true })).toMatchObject({
      applied: false,
      refused: "invalid",
    });
    const entries = await allEntries(ledger);
    expect(entries.map((e) => e.kind)).toEqual(["sale", "dispute", "dispute_lost"]);
    expect(entries[2]?.lines).toEqual([]);
    expect(await usd(ledger)).toMatchObject({ pending: 0, available: -1759 });
    expect(await totals(ledger)).toEqual({ USD: 0 });
  });

  it("gives a won dispute's amount back but not its fee", async () => {
    const ledger = freshLedger();
    const input = maturedSale();
    await ledger.recordSale(input);
    await releaseDue(ledger);
    const now = Date.now();
    const dispute = { key: "dispute:dp_2", saleKey: input.key, amount: 600, fee: 1500, occurredAt: now };
    await ledger.recordDispute(dispute);
    expect((await usd(ledger)).available).toBe(741 - 2100);
    expect(
      await ledger.closeDispute({
        key: "dispute_closed:dp_2",
        disputeKey: dispute.key,
        won: true,
        occurredAt: now,
      }),
    ).toMatchObject({ applied: true });
    expect((await usd(ledger)).available).toBe(741 - 1500);
    const [report] = await ledger.earnings({ from: now - 30 * DAY_MS, to: now });
    expect(report?.totals).toEqual({
      gross: 1000,
      platformFees: 200,
      processorFees: 1559,
      reversals: 0,
      net: -759,
    });
    // The disputed amount came back, so it may be refunded now.
    expect(
      await ledger.recordRefund({ key: "refund:re_9", saleKey: input.key, amount: 1000, occurredAt: now }),
    ).toMatchObject({ applied: true });
    expect(await totals(ledger)).toEqual({ USD: 0 });
  });

  it("refuses disputes beyond the sale and closes of disputes it has not seen", async () => {
    const ledger = freshLedger();
    const input = sale();
    await ledger.recordSale(input);
    const now = Date.now();
    await ledger.recordRefund({ key: "refund:re_1", saleKey: input.key, amount: 700, occurredAt: now });
    expect(
      await ledger.recordDispute({
        key: "dispute:dp_1",
        saleKey: input.key,
        amount: 301,
        fee: 0,
        occurredAt: now,
      }),
    ).toMatchObject({ applied: false, refused: "exceeds_sale" });
    expect(
      await ledger.recordDispute({
        key: "dispute:dp_2",
        saleKey: "sale:nope",
        amount: 1,
        fee: 0,
        occurredAt: now,
      }),
    ).toMatchObject({ applied: false, refused: "unknown_sale" });
    expect(
      await ledger.closeDispute({
        key: "dispute_closed:x",
        disputeKey: "dispute:nope",
        won: true,
        occurredAt: now,
      }),
    ).toMatchObject({ applied: false, refused: "unknown_dispute" });
    expect(await allEntries(ledger)).toHaveLength(2);
  });
});

describe("the creator ledger: payouts", () => {
  async function withAvailable(amount: number) {
    const ledger = freshLedger();
    await ledger.recordSale(maturedSale({ gross: amount, platformFee: 0, processorFee: 0 }));
    await releaseDue(ledger);
    expect((await usd(ledger)).available).toBe(amount);
    return ledger;
  }

  it("refuses payouts below the minimum or beyond what is available, and remembers the answer", async () => {
    const ledger = await withAvailable(3000);
    const now = Date.now();
    const request = { key: "payout:po_1", currency: "USD", amount: 999, minimum: 1000, occurredAt: now };
    expect(await ledger.requestPayout(request)).toMatchObject({ applied: false, refused: "below_minimum" });
    const tooMuch = { ...request, key: "payout:po_2", amount: 3001 };
    expect(await ledger.requestPayout(tooMuch)).toMatchObject({
      applied: false,
      refused: "insufficient_funds",
    });
    expect(
      await ledger.requestPayout({ ...request, key: "payout:po_3", currency: "EUR", amount: 1000 }),
    ).toMatchObject({ applied: false, refused: "insufficient_funds" });
    // More money arrives, but the refused request keeps its answer: a new request needs a new key.
    await ledger.recordSale(maturedSale({ gross: 5000, platformFee: 0, processorFee: 0 }));
    await releaseDue(ledger);
    expect(await ledger.requestPayout(tooMuch)).toMatchObject({
      applied: false,
      refused: "insufficient_funds",
    });
    expect(await usd(ledger)).toMatchObject({ available: 8000, reserve: 0 });
  });

  it("reserves a payout at once, so a second request cannot spend the same money, and settles it once", async () => {
    const ledger = await withAvailable(3000);
    const now = Date.now();
    const [first, second] = await Promise.all([
      ledger.requestPayout({
        key: "payout:po_1",
        currency: "USD",
        amount: 2000,
        minimum: 1000,
        occurredAt: now,
      }),
      ledger.requestPayout({
        key: "payout:po_2",
        currency: "USD",
        amount: 2000,
        minimum: 1000,
        occurredAt: now,
      }),
    ]);
    expect([first, second].filter((r) => r.applied)).toHaveLength(1);
    expect([first, second].filter((r) => "refused" in r && r.refused === "insufficient_funds")).toHaveLength(
      1,
    );
    const payoutKey = first?.applied ? "payout:po_1" : "payout:po_2";
    expect(await usd(ledger)).toMatchObject({ available: 1000, reserve: 2000, paidOut: 0 });
    const settle = { key: "payout_paid:1", payoutKey, occurredAt: now };
    const settled = await ledger.settlePayout(settle);
    expect(settled).toMatchObject({ applied: true });
    for (let i = 0; i < 3; i++)
      expect(await ledger.settlePayout(settle)).toEqual({ applied: false, entryId: entryId(settled) });
    expect(await ledger.failPayout({ key: "payout_failed:1", payoutKey, occurredAt: now })).toMatchObject({
      applied: false,
      refused: "payout_closed",
    });
    expect(await usd(ledger)).toMatchObject({ available: 1000, reserve: 0, paidOut: 2000 });
    const kinds = (await allEntries(ledger)).map((e) => e.kind);
    expect(kinds).toEqual(["sale", "release", "payout_reserve", "payout_settle"]);
    expect(await totals(ledger)).toEqual({ USD: 0 });
  });

  it("returns a failed payout's funds to available, and refuses a settle after the failure", async () => {
    const ledger = await withAvailable(3000);
    const now = Date.now();
    await ledger.requestPayout({
      key: "payout:po_1",
      currency: "USD",
      amount: 2500,
      minimum: 0,
      occurredAt: now,
    });
    expect(await usd(ledger)).toMatchObject({ available: 500, reserve: 2500 });
    const fail = { key: "payout_failed:po_1", payoutKey: "payout:po_1", occurredAt: now };
    expect(await ledger.failPayout(fail)).toMatchObject({ applied: true });
    expect(await ledger.failPayout(fail)).toMatchObject({ applied: false, entryId: expect.any(String) });
    expect(await usd(ledger)).toMatchObject({ available: 3000, reserve: 0, paidOut: 0 });
    expect(
      await ledger.settlePayout({ key: "payout_paid:po_1", payoutKey: "payout:po_1", occurredAt: now }),
    ).toMatchObject({ applied: false, refused: "payout_closed" });
    expect(
      await ledger.settlePayout({ key: "payout_paid:po_9", payoutKey: "payout:po_9", occurredAt: now }),
    ).toMatchObject({ applied: false, refused: "unknown_payout" });
    expect(await usd(ledger)).toMatchObject({ available: 3000, reserve: 0, paidOut: 0 });
  });
});

describe("the creator ledger: reports and storage", () => {
  it("reports earnings in a window by source and by brand, with pending and available", async () => {
    const ledger = freshLedger();
    const now = Date.now();
    const sub = sale({ occurredAt: now - 2 * DAY_MS });
    await ledger.recordSale(sub);
    await ledger.recordSale(
      sale({
        source: "tip",
        tenantId: "ten_pupfanz",
        gross: 500,
        platformFee: 0,
        processorFee: 45,
        occurredAt: now - DAY_MS,
      }),
    );
    await ledger.recordSale(sale({ source: "ppv", occurredAt: now - 20 * DAY_MS, holdDays: 30 }));
    await ledger.recordSale(sale({ currency: "EUR", occurredAt: now - DAY_MS }));
    await ledger.recordRefund({ key: "refund:re_1", saleKey: sub.key, amount: 500, occurredAt: now });
    const reports = await ledger.earnings({ from: now - 7 * DAY_MS, to: now });
    expect(reports.map((r) => r.currency)).toEqual(["EUR", "USD"]);
    const dollars = reports[1];
    expect(dollars?.totals).toEqual({
      gross: 1500,
      platformFees: 100,
      processorFees: 75,
      reversals: 500,
      net: 825,
    });
    expect(dollars?.bySource).toEqual({
      subscription: { gross: 1000, platformFees: 100, processorFees: 30, reversals: 500, net: 370 },
      tip: { gross: 500, platformFees: 0, processorFees: 45, reversals: 0, net: 455 },
      ppv: { gross: 0, platformFees: 0, processorFees: 0, reversals: 0, net: 0 },
    });
    expect(Object.keys(dollars?.byTenant ?? {}).sort()).toEqual(["ten_girlfanz", "ten_pupfanz"]);
    expect(dollars?.byTenant.ten_pupfanz?.net).toBe(455);
    // Pending and available are the whole balance, the ppv sale outside the window included.
    expect(dollars).toMatchObject({ pending: 370 + 455 + 741, available: 0 });
    const pupfanz = await ledger.earnings({ tenantId: "ten_pupfanz", from: now - 7 * DAY_MS, to: now });
    expect(pupfanz.find((r) => r.currency === "USD")?.totals.gross).toBe(500);
    expect(Object.keys(pupfanz.find((r) => r.currency === "USD")?.byTenant ?? {})).toEqual(["ten_pupfanz"]);
  });

  it("pages entries in the order they were written", async () => {
    const ledger = freshLedger();
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const input = sale();
      keys.push(input.key);
      await ledger.recordSale(input);
    }
    const first = await ledger.entries({ limit: 2 });
    const rest = await ledger.entries({ after: first.at(-1)?.id, limit: 10 });
    expect([...first, ...rest].map((e) => e.key)).toEqual(keys);
    expect(await ledger.entries({ after: rest.at(-1)?.id, limit: 10 })).toEqual([]);
  });

  it("cannot change or delete an entry, even from inside the object", async () => {
    const ledger = freshLedger();
    await ledger.recordSale(sale());
    await runInDurableObject(ledger, (_instance, state) => {
      expect(() => state.storage.sql.exec("UPDATE line SET amount = 0")).toThrow(/immutable/);
      expect(() => state.storage.sql.exec("DELETE FROM entry")).toThrow(/immutable/);
    });
    expect((await usd(ledger)).pending).toBe(741);
  });

  it("gives exact totals for 500 simultaneous tips", async () => {
    const ledger = freshLedger();
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        ledger.recordSale(
          sale({
            key: `sale:tip_${i}`,
            source: "tip",
            gross: 500 + i,
            platformFee: 0,
            processorFee: 30,
            occurredAt: now,
          }),
        ),
      ),
    );
    expect(results.every((r) => r.applied)).toBe(true);
    // Σ (500 + i − 30) for i < 500.
    const expected = 500 * 470 + (499 * 500) / 2;
    expect((await usd(ledger)).pending).toBe(expected);
    const [report] = await ledger.earnings({ from: now, to: now + 1 });
    expect(report?.bySource.tip).toEqual({
      gross: expected + 500 * 30,
      platformFees: 0,
      processorFees: 500 * 30,
      reversals: 0,
      net: expected,
    });
    expect(await allEntries(ledger)).toHaveLength(500);
    expect(await totals(ledger)).toEqual({ USD: 0 });
  });
});
