import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { CurrencyCode, EarningSource, LedgerEntry, LedgerRefusal, PostingResult } from "@fun/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CreatorLedger } from "./ledger";
import { DAY_MS, releaseMatured } from "./sale-postings";

/**
 * Random sequences of sales, refunds, disputes, dispute closes, payout requests, settles, fails and
 * the passing of time (keys drawn from small pools, so they repeat, sometimes with other amounts),
 * run against the ledger and against a plain in-memory model of the same rules. After each step the
 * outcomes must agree; at the end the balances must agree, the book must sum to zero per currency,
 * no payout may have been reserved beyond what was available, and replaying the whole sequence must
 * change nothing.
 */

const ledgers = (env as unknown as { LEDGER: DurableObjectNamespace<CreatorLedger> }).LEDGER;
const HOUR_MS = 60 * 60 * 1000;
let runs = 0;

type Action =
  | {
      type: "sale";
      n: number;
      currency: CurrencyCode;
      gross: number;
      platformPercent: number;
      processorFee: number;
      source: EarningSource;
      tenantId: string;
      hour: number;
      holdDays: number;
    }
  | { type: "refund"; n: number; sale: number; amount: number }
  | { type: "dispute"; n: number; sale: number; amount: number; fee: number }
  | { type: "close"; n: number; dispute: number; won: boolean }
  | {
      type: "payout";
      n: number;
      currency: CurrencyCode;
      amount: number;
      minimum: number;
      /**
       * When set, the amount comes from what is available when the request runs: a share of it, or
       * all of it plus a few cents either way (payouts right at the edge).
       */
      of: { percent: number } | { edge: number } | null;
    }
  | { type: "settle" | "fail"; n: number; payout: number }
  /** Time passes: `hours` later, the matured sales are released (what the alarm does). */
  | { type: "release"; hours: number };

// Mostly one currency, so payouts find money; enough of the other to keep the books apart.
const currency = fc.constantFrom("USD", "USD", "EUR");
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("sale" as const),
      n: fc.nat(3),
      currency,
      gross: fc.integer({ min: 1, max: 5000 }),
      platformPercent: fc.integer({ min: 0, max: 30 }),
      processorFee: fc.nat(100),
      source: fc.constantFrom<EarningSource>("subscription", "ppv", "tip"),
      tenantId: fc.constantFrom("ten_girlfanz", "ten_pupfanz"),
      hour: fc.nat(48),
      holdDays: fc.constantFrom(0, 0, 1, 2),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("refund" as const),
      n: fc.nat(5),
      sale: fc.nat(3),
      amount: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("dispute" as const),
      n: fc.nat(2),
      sale: fc.nat(3),
      amount: fc.integer({ min: 1, max: 3000 }),
      fee: fc.nat(1500),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("close" as const),
      n: fc.nat(3),
      dispute: fc.nat(2),
      won: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("payout" as const),
      n: fc.nat(3),
      currency,
      amount: fc.integer({ min: 1, max: 5000 }),
      minimum: fc.constantFrom(0, 0, 500),
      of: fc.oneof(
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: fc.record({ percent: fc.integer({ min: 1, max: 100 }) }) },
        { weight: 2, arbitrary: fc.record({ edge: fc.integer({ min: -2, max: 2 }) }) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constantFrom("settle" as const, "fail" as const),
      n: fc.nat(3),
      payout: fc.nat(3),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant("release" as const), hours: fc.constantFrom(6, 24, 48, 72) }),
  },
);

/** What a call came to, without ids: comparable between the ledger and the model. */
type Outcome = "applied" | "duplicate" | LedgerRefusal;
const outcomeOf = (result: PostingResult): Outcome =>
  "entryId" in result ? (result.applied ? "applied" : "duplicate") : result.refused;

const TRANSIENT: ReadonlySet<Outcome> = new Set(["unknown_sale", "unknown_dispute", "unknown_payout"]);

interface ModelSale {
  currency: CurrencyCode;
  gross: number;
  platformFee: number;
  processorFee: number;
  releaseAt: number;
  held: boolean;
  pendingLeft: number;
  refunded: number;
  disputed: number;
  reversedPlatformFee: number;
  reversedProcessorFee: number;
}

interface ModelBalance {
  pending: number;
  available: number;
  reserve: number;
  paidOut: number;
  platformFees: number;
  processorFees: number;
  clearing: number;
}

/** The ledger's rules, written as plainly as possible over maps of numbers. */
class Model {
  readonly balances = new Map<CurrencyCode, ModelBalance>();
  readonly #keys = new Map<string, Outcome>();
  readonly #sales = new Map<string, ModelSale>();
  readonly #disputes = new Map<string, { sale: string; amount: number; closed?: boolean }>();
  readonly #payouts = new Map<
    string,
    { currency: CurrencyCode; amount: number; closed?: "settle" | "fail" }
  >();

  balance(currency: CurrencyCode): ModelBalance {
    let balance = this.balances.get(currency);
    if (!balance) {
      balance = {
        pending: 0,
        available: 0,
        reserve: 0,
        paidOut: 0,
        platformFees: 0,
        processorFees: 0,
        clearing: 0,
      };
      this.balances.set(currency, balance);
    }
    return balance;
  }

  apply(action: Action, now: number): Outcome {
    if (action.type === "release") throw new Error("releases are not keyed");
    const key = keyOf(action);
    const known = this.#keys.get(key);
    if (known) return known === "applied" ? "duplicate" : known;
    const outcome = this.#decide(action, now);
    // Like the ledger, remember postings and decided refusals, not answers that depend on other keys.
    if (!TRANSIENT.has(outcome) && outcome !== "invalid" && outcome !== "duplicate")
      this.#keys.set(key, outcome);
    return outcome;
  }

  release(now: number): void {
    for (const sale of this.#sales.values()) {
      if (!sale.held || sale.releaseAt > now) continue;
      const balance = this.balance(sale.currency);
      balance.pending -= sale.pendingLeft;
      balance.available += sale.pendingLeft;
      sale.pendingLeft = 0;
      sale.held = false;
    }
  }

  /** The creator gives `amount` back (or, when negative, receives it): the sale's pending first. */
  #take(sale: ModelSale, amount: number): void {
    const balance = this.balance(sale.currency);
    if (amount < 0) {
      if (sale.held) {
        balance.pending -= amount;
        sale.pendingLeft -= amount;
      } else balance.available -= amount;
      return;
    }
    const fromPending = Math.min(sale.pendingLeft, amount);
    sale.pendingLeft -= fromPending;
    balance.pending -= fromPending;
    balance.available -= amount - fromPending;
  }

  #decide(action: Exclude<Action, { type: "release" }>, now: number): Outcome {
    switch (action.type) {
      case "sale": {
        const { gross, platformFee, processorFee } = saleFigures(action);
        const balance = this.balance(action.currency);
        balance.clearing += gross;
        balance.platformFees += platformFee;
        balance.processorFees += processorFee;
        balance.pending += gross - platformFee - processorFee;
        this.#sales.set(keyOf(action), {
          currency: action.currency,
          gross,
          platformFee,
          processorFee,
          releaseAt: occurredAt(action, now) + action.holdDays * DAY_MS,
          held: true,
          pendingLeft: gross - platformFee - processorFee,
          refunded: 0,
          disputed: 0,
          reversedPlatformFee: 0,
          reversedProcessorFee: 0,
        });
        return "applied";
      }
      case "refund": {
        const sale = this.#sales.get(`sale:${action.sale}`);
        if (!sale) return "unknown_sale";
        if (sale.refunded + sale.disputed + action.amount > sale.gross) return "exceeds_sale";
        sale.refunded += action.amount;
        const platformFee =
          Math.floor((sale.platformFee * sale.refunded) / sale.gross) - sale.reversedPlatformFee;
        const processorFee =
          Math.floor((sale.processorFee * sale.refunded) / sale.gross) - sale.reversedProcessorFee;
        sale.reversedPlatformFee += platformFee;
        sale.reversedProcessorFee += processorFee;
        const balance = this.balance(sale.currency);
        balance.clearing -= action.amount;
        balance.platformFees -= platformFee;
        balance.processorFees -= processorFee;
        this.#take(sale, action.amount - platformFee - processorFee);
        return "applied";
      }
      case "dispute": {
        const sale = this.#sales.get(`sale:${action.sale}`);
        if (!sale) return "unknown_sale";
        if (sale.refunded + sale.disputed + action.amount > sale.gross) return "exceeds_sale";
        sale.disputed += action.amount;
        const balance = this.balance(sale.currency);
        balance.clearing -= action.amount;
        balance.processorFees += action.fee;
        this.#take(sale, action.amount + action.fee);
        this.#disputes.set(keyOf(action), { sale: `sale:${action.sale}`, amount: action.amount });
        return "applied";
      }
      case "close": {
        const dispute = this.#disputes.get(`dispute:${action.dispute}`);
        const sale = dispute && this.#sales.get(dispute.sale);
        if (!dispute || !sale) return "unknown_dispute";
        if (dispute.closed !== undefined) return dispute.closed === action.won ? "duplicate" : "invalid";
        dispute.closed = action.won;
        if (action.won) {
          sale.disputed -= dispute.amount;
          this.balance(sale.currency).clearing += dispute.amount;
          this.#take(sale, -dispute.amount);
        }
        return "applied";
      }
      case "payout": {
        if (action.amount < action.minimum) return "below_minimum";
        const balance = this.balance(action.currency);
        if (balance.available < 0) return "negative_balance";
        if (balance.available < action.amount) return "insufficient_funds";
        balance.available -= action.amount;
        balance.reserve += action.amount;
        this.#payouts.set(keyOf(action), { currency: action.currency, amount: action.amount });
        return "applied";
      }
      case "settle":
      case "fail": {
        const payout = this.#payouts.get(`payout:${action.payout}`);
        if (!payout) return "unknown_payout";
        if (payout.closed) return payout.closed === action.type ? "duplicate" : "payout_closed";
        payout.closed = action.type;
        const balance = this.balance(payout.currency);
        balance.reserve -= payout.amount;
        if (action.type === "settle") balance.paidOut += payout.amount;
        else balance.available += payout.amount;
        return "applied";
      }
    }
  }
}

function keyOf(action: Exclude<Action, { type: "release" }>): string {
  switch (action.type) {
    case "sale":
      return `sale:${action.n}`;
    case "refund":
      return `refund:${action.n}`;
    case "dispute":
      return `dispute:${action.n}`;
    case "close":
      return `dispute_closed:${action.n}`;
    case "payout":
      return `payout:${action.n}`;
    case "settle":
      return `payout_paid:${action.n}`;
    case "fail":
      return `payout_failed:${action.n}`;
  }
}

function saleFigures(action: Extract<Action, { type: "sale" }>) {
  const platformFee = Math.floor((action.gross * action.platformPercent) / 100);
  return {
    gross: action.gross,
    platformFee,
    processorFee: Math.min(action.processorFee, action.gross - platformFee),
  };
}

function sized(action: Keyed, model: Model): Keyed {
  if (action.type !== "payout" || action.of === null) return action;
  const available = model.balance(action.currency).available;
  const amount =
    "edge" in action.of ? available + action.of.edge : Math.floor((available * action.of.percent) / 100);
  return { ...action, amount: Math.max(1, amount) };
}

/** Sales reach the ledger up to two days late: `hour` hours before the simulated `now`. */
const occurredAt = (action: { hour: number }, now: number) => now - action.hour * HOUR_MS;

type Ledger = DurableObjectStub<CreatorLedger>;
type Keyed = Exclude<Action, { type: "release" }>;

function call(
  ledger: Ledger,
  action: Exclude<Action, { type: "release" }>,
  now: number,
): Promise<PostingResult> {
  const key = keyOf(action);
  const at = now;
  switch (action.type) {
    case "sale": {
      const figures = saleFigures(action);
      return ledger.recordSale({
        key,
        tenantId: action.tenantId,
        source: action.source,
        currency: action.currency,
        gross: figures.gross,
        platformFee: figures.platformFee,
        processorFee: figures.processorFee,
        occurredAt: occurredAt(action, now),
        holdDays: action.holdDays,
        ref: {},
      });
    }
    case "refund":
      return ledger.recordRefund({
        key,
        saleKey: `sale:${action.sale}`,
        amount: action.amount,
        occurredAt: at,
      });
    case "dispute":
      return ledger.recordDispute({
        key,
        saleKey: `sale:${action.sale}`,
        amount: action.amount,
        fee: action.fee,
        occurredAt: at,
      });
    case "close":
      return ledger.closeDispute({
        key,
        disputeKey: `dispute:${action.dispute}`,
        won: action.won,
        occurredAt: at,
      });
    case "payout":
      return ledger.requestPayout({
        key,
        currency: action.currency,
        amount: action.amount,
        minimum: action.minimum,
        occurredAt: at,
      });
    case "settle":
      return ledger.settlePayout({ key, payoutKey: `payout:${action.payout}`, occurredAt: at });
    case "fail":
      return ledger.failPayout({ key, payoutKey: `payout:${action.payout}`, occurredAt: at });
  }
}

const release = (ledger: Ledger, now: number) =>
  runInDurableObject(ledger, (_instance, state) => releaseMatured(state.storage, now));

async function allEntries(ledger: Ledger): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for (;;) {
    const page = await ledger.entries({ after: out.at(-1)?.id, limit: 1000 });
    if (page.length === 0) return out;
    out.push(...page);
  }
}

/** Everything observable about the ledger, for comparing before and after a replay. */
async function snapshot(ledger: Ledger) {
  return { balances: await ledger.balances(), entries: await allEntries(ledger) };
}

/**
 * Checks the book itself: every entry sums to zero per currency, the stored running balances equal
 * the Σ of the lines, and no payout was reserved beyond the available balance at that moment.
 */
async function checkBook(ledger: Ledger, entries: LedgerEntry[]) {
  const sums = new Map<string, number>();
  for (const entry of entries) {
    const perCurrency = new Map<string, number>();
    for (const line of entry.lines) {
      perCurrency.set(line.currency, (perCurrency.get(line.currency) ?? 0) + line.amount);
      const key = `${line.account}/${line.currency}`;
      if (entry.kind === "payout_reserve" && line.account === "available") {
        // Available is a credit balance: before this line it held −Σ; the payout takes line.amount.
        expect(-(sums.get(key) ?? 0)).toBeGreaterThanOrEqual(line.amount);
      }
      sums.set(key, (sums.get(key) ?? 0) + line.amount);
    }
    for (const total of perCurrency.values()) expect(total).toBe(0);
  }
  const stored = await runInDurableObject(ledger, (_instance, state) =>
    state.storage.sql
      .exec<{ account: string; currency: string; amount: number }>(
        "SELECT account, currency, amount FROM balance",
      )
      .toArray(),
  );
  for (const row of stored) expect(row.amount).toBe(sums.get(`${row.account}/${row.currency}`) ?? 0);
  return sums;
}

describe("the creator ledger under random sequences", () => {
  it("balances to zero, never over-pays, matches a plain model and replays as a no-op", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 30, size: "max" }), async (actions) => {
        const ledger = ledgers.get(ledgers.idFromName(`prf_property_${++runs}`));
        const model = new Model();
        // Simulated time, far in the future, so the object's own alarm never fires during the run.
        let now = Date.now() + 365 * DAY_MS;
        const done: ({ type: "release"; at: number } | { type: "call"; step: Keyed; at: number })[] = [];
        const early: { step: Keyed; at: number }[] = [];
        const run = async (step: Keyed, at: number) => {
          const outcome = outcomeOf(await call(ledger, step, at));
          expect(outcome, JSON.stringify(step)).toBe(model.apply(step, at));
          if (TRANSIENT.has(outcome)) early.push({ step, at });
          return outcome;
        };
        const releaseAt = async (at: number) => {
          model.release(at);
          await release(ledger, at);
          done.push({ type: "release", at });
        };
        for (const generated of actions) {
          if (generated.type === "release") {
            now += generated.hours * HOUR_MS;
            await releaseAt(now);
            continue;
          }
          const step = sized(generated, model);
          await run(step, now);
          done.push({ type: "call", step, at: now });
        }
        // Events that came before what they refer to are delivered again, as the provider retries.
        for (let progress = true; progress; ) {
          const pending = early.splice(0);
          progress = false;
          for (const { step, at } of pending) if (!TRANSIENT.has(await run(step, at))) progress = true;
        }
        // Finally every hold ends.
        await releaseAt(now + 10 * DAY_MS);

        const before = await snapshot(ledger);
        const sums = await checkBook(ledger, before.entries);
        for (const [code, expected] of model.balances) {
          const actual = before.balances.find((b) => b.currency === code);
          expect(actual ?? { pending: 0, available: 0, reserve: 0, paidOut: 0 }).toMatchObject({
            pending: expected.pending,
            available: expected.available,
            reserve: expected.reserve,
            paidOut: expected.paidOut,
          });
          expect(sums.get(`provider_clearing/${code}`) ?? 0).toBe(expected.clearing);
          expect(0 - (sums.get(`platform_fees/${code}`) ?? 0)).toBe(expected.platformFees);
          expect(0 - (sums.get(`processor_fees/${code}`) ?? 0)).toBe(expected.processorFees);
        }
        // Every cent the creator holds came from a sale: the all-time net equals their whole position.
        for (const report of await ledger.earnings({ from: 0, to: Number.MAX_SAFE_INTEGER })) {
          const balance = model.balance(report.currency);
          expect(report.totals.net).toBe(
            balance.pending + balance.available + balance.reserve + balance.paidOut,
          );
        }

        // The same sequence again, releases at the same moments included.
        for (const item of done) {
          if (item.type === "release") await release(ledger, item.at);
          else expect((await call(ledger, item.step, item.at)).applied).toBe(false);
        }
        expect(await snapshot(ledger)).toEqual(before);
      }),
      { numRuns: 50 },
    );
  }, 120_000);
});
