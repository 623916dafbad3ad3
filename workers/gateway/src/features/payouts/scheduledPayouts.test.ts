import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../index";
import { runCommerceCron, WEEKLY_PAYOUTS_CRON } from "../payments/commerce.cron";
import { commerceRules } from "../payments/commerce-context";
import { creatorAndFan, ledgerOf, paidPpvSale, verifiedPayoutAccount } from "../payments/payments.testing";
import { hostIndex } from "../tenants/tenant-directory";

/** A creator with a verified payout account and `sales` PPV sales of 10.00, paid ten days ago (past girlfanz's hold). */
async function creatorWithAvailableFunds(sales: number) {
  const { creator, fan } = await creatorAndFan();
  await verifiedPayoutAccount(creator.id);
  for (let i = 0; i < sales; i++)
    await paidPpvSale(creator.id, fan.id, {
      title: `Set ${i}`,
      priceCents: 1000,
      currency: "USD",
      daysAgo: 10,
    });
  await runDurableObjectAlarm(env.LEDGER.get(env.LEDGER.idFromName(creator.profileId)));
  // girlfanz keeps 20 %; no processor fee, as the sandbox never saw these payments.
  expect((await ledgerOf(creator.profileId).balances())[0]?.available).toBe(sales * 800);
  return creator;
}

const payoutsOf = async (profileId: string) =>
  (
    await env.DB.prepare(
      "SELECT id, amount_cents AS amount, currency, status, origin, provider_ref AS ref FROM payout WHERE profile_id = ?",
    )
      .bind(profileId)
      .all<{ id: string; amount: number; currency: string; status: string; origin: string; ref: string }>()
  ).results;

const sandboxPayouts = async () =>
  (
    await env.DB.prepare("SELECT count(*) AS n FROM sandbox_record WHERE kind = 'payout'").first<{
      n: number;
    }>()
  )?.n ?? 0;

describe("weekly scheduled payouts", () => {
  it("pays out a whole available balance above the minimum once, skips one below it, and a second run requests nothing", async () => {
    // The schedule pays out only what clears every brand's minimum: 24.00 does, 8.00 does not.
    const tenants = await hostIndex(env);
    const minimums = tenants.tenants().map((t) => commerceRules(tenants, t.id).payoutMinimumCents);
    expect(Math.max(...minimums)).toBeLessThanOrEqual(2400);
    expect(Math.max(...minimums)).toBeGreaterThan(800);
    const above = await creatorWithAvailableFunds(3);
    const below = await creatorWithAvailableFunds(1);
    const sentBefore = await sandboxPayouts();

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: WEEKLY_PAYOUTS_CRON, scheduledTime: Date.now() }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);

    const [payout, ...more] = await payoutsOf(above.profileId);
    expect(more).toEqual([]);
    expect(payout).toMatchObject({ amount: 2400, currency: "USD", status: "processing", origin: "schedule" });
    expect(payout?.ref).toMatch(/^po_sbx_/);
    expect((await ledgerOf(above.profileId).balances())[0]).toMatchObject({ available: 0, reserve: 2400 });
    const reserved = (await ledgerOf(above.profileId).entries({ limit: 50 })).filter(
      (entry) => entry.kind === "payout_reserve",
    );
    expect(reserved.map((entry) => entry.key)).toEqual([`payout:${payout?.id}`]);
    expect(await payoutsOf(below.profileId)).toEqual([]);
    expect((await ledgerOf(below.profileId).balances())[0]).toMatchObject({ available: 800, reserve: 0 });
    expect(await sandboxPayouts()).toBe(sentBefore + 1);

    // The next run (or the same one retried) finds nothing left to pay out.
    expect(await runCommerceCron(WEEKLY_PAYOUTS_CRON, env)).toEqual({ payoutsRequested: 0 });
    expect(await payoutsOf(above.profileId)).toEqual([payout]);
    expect((await ledgerOf(above.profileId).balances())[0]).toMatchObject({ available: 0, reserve: 2400 });
    expect(await payoutsOf(below.profileId)).toEqual([]);
    expect(await sandboxPayouts()).toBe(sentBefore + 1);
  });

  it("holds each currency's balance to the minimum of the brand that sells in it", async () => {
    const tenants = await hostIndex(env);
    const euroBrand = tenants.tenants().find((t) => t.slug === "pupfanz");
    expect(euroBrand && commerceRules(tenants, euroBrand.id)).toMatchObject({
      currency: "EUR",
      payoutMinimumCents: 1000,
    });
    const minimums = tenants.tenants().map((t) => commerceRules(tenants, t.id).payoutMinimumCents);
    expect(Math.max(...minimums)).toBeGreaterThan(1500);

    // 18.75 EUR paid on pupfanz ten days ago (past its 5-day hold): 15.00 EUR after its 20 % fee.
    const { creator, fan } = await creatorAndFan();
    await verifiedPayoutAccount(creator.id, "pupfanz", "DE");
    await paidPpvSale(creator.id, fan.id, {
      title: "Walkies",
      priceCents: 1875,
      currency: "EUR",
      daysAgo: 10,
      brand: "pupfanz",
    });
    await runDurableObjectAlarm(env.LEDGER.get(env.LEDGER.idFromName(creator.profileId)));
    expect(await ledgerOf(creator.profileId).balances()).toMatchObject([
      { currency: "EUR", available: 1500 },
    ]);

    expect(await runCommerceCron(WEEKLY_PAYOUTS_CRON, env)).toEqual({ payoutsRequested: 1 });
    expect(await payoutsOf(creator.profileId)).toMatchObject([
      { amount: 1500, currency: "EUR", status: "processing", origin: "schedule" },
    ]);
    expect((await ledgerOf(creator.profileId).balances())[0]).toMatchObject({ available: 0, reserve: 1500 });
  });
});
