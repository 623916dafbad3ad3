import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { callBrand, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import {
  checkout,
  creatorAndFan,
  ledgerOf,
  paidPpvSale,
  post,
  press,
  signedEvent,
  tokenFor,
  verifiedPayoutAccount,
} from "../payments/payments.testing";

/** A creator with a verified payout account and `sales` PPV sales of 10.00 paid long enough ago to be available. */
async function creatorWithAvailableFunds(sales = 2) {
  const { creator, fan } = await creatorAndFan();
  const token = await tokenFor(creator.id);
  const link = await verifiedPayoutAccount(creator.id);
  expect(link.kycStatus).toBe("pending");
  const paymentRefs: string[] = [];
  for (let i = 0; i < sales; i++)
    // Paid ten days ago: past girlfanz's 7-day hold.
    paymentRefs.push(
      await paidPpvSale(creator.id, fan.id, {
        title: `Set ${i}`,
        priceCents: 1000,
        currency: "USD",
        daysAgo: 10,
      }),
    );
  await runDurableObjectAlarm(env.LEDGER.get(env.LEDGER.idFromName(creator.profileId)));
  const [balance] = await ledgerOf(creator.profileId).balances();
  expect(balance?.available).toBe(sales * 800); // no processor fee: the sandbox never saw these payments
  return { creator, fan, token, paymentRefs };
}

const payoutRefOf = async (payoutId: string) =>
  (
    await env.DB.prepare("SELECT provider_ref AS ref FROM payout WHERE id = ?")
      .bind(payoutId)
      .first<{ ref: string }>()
  )?.ref ?? "";

describe("payouts", () => {
  it("reserves at once, and a failed payout returns the funds exactly once", async () => {
    const { creator, token } = await creatorWithAvailableFunds(3);
    await expectProblem(
      await callBrand("POST", "/v1/payouts:request", token, { amountCents: 1500 }),
      422,
      "unprocessable_content",
    );
    await expectProblem(
      await callBrand("POST", "/v1/payouts:request", token, { amountCents: 5000 }),
      422,
      "unprocessable_content",
    );
    const requested = await callBrand("POST", "/v1/payouts:request", token, { amountCents: 2400 });
    expect(requested.status, await requested.clone().text()).toBe(202);
    const payout = (await requested.json()) as { id: string; status: string };
    expect(payout.status).toBe("processing");
    expect((await ledgerOf(creator.profileId).balances())[0]).toMatchObject({ available: 0, reserve: 2400 });

    const ref = await payoutRefOf(payout.id);
    await press(`/v1/sandbox/payouts/${ref}/failed`);
    expect((await ledgerOf(creator.profileId).balances())[0]).toMatchObject({
      available: 2400,
      reserve: 0,
      paidOut: 0,
    });
    // A "paid" for the same payout afterwards (out of order) moves nothing.
    const late = await signedEvent("payout.paid", {
      id: ref,
      object: "payout",
      amount: 2400,
      metadata: { fun_payout: payout.id },
    });
    await post(late);
    expect((await ledgerOf(creator.profileId).balances())[0]).toMatchObject({ available: 2400, paidOut: 0 });
    const row = await env.DB.prepare("SELECT status FROM payout WHERE id = ?")
      .bind(payout.id)
      .first<{ status: string }>();
    expect(row?.status).toBe("failed");
    // One fun.payout.processed, for the failure; the late "paid" emitted nothing.
    const processed = await env.DB.prepare(
      "SELECT json_extract(payload, '$.data.status') AS status FROM outbox WHERE type = 'fun.payout.processed' AND json_extract(payload, '$.data.payoutId') = ?",
    )
      .bind(payout.id)
      .all<{ status: string }>();
    expect(processed.results).toEqual([{ status: "failed" }]);
  });

  it("a refund after the money was paid out drives the balance negative and blocks the next payout", async () => {
    const { creator, token, paymentRefs } = await creatorWithAvailableFunds(3);
    const payout = (await (
      await callBrand("POST", "/v1/payouts:request", token, { amountCents: 2400 })
    ).json()) as { id: string };
    await press(`/v1/sandbox/payouts/${await payoutRefOf(payout.id)}/paid`);
    expect((await ledgerOf(creator.profileId).balances())[0]).toMatchObject({ available: 0, paidOut: 2400 });
    const refund = await signedEvent("charge.refunded", {
      id: "ch_after_payout",
      amount: 1000,
      amount_refunded: 1000,
      refunded: true,
      payment_intent: paymentRefs[0],
      refunds: { data: [{ id: `re_${paymentRefs[0]}`, amount: 1000, status: "succeeded" }] },
    });
    expect(((await (await post(refund)).json()) as { outcome: string }).outcome).toBe("applied");
    const [balance] = await ledgerOf(creator.profileId).balances();
    expect(balance?.available).toBeLessThan(0);
    await expectProblem(
      await callBrand("POST", "/v1/payouts:request", token, { amountCents: 2000 }),
      422,
      "unprocessable_content",
    );
  });
});

describe("earnings", () => {
  it("shows the caller's own figures only, per brand and all brands", async () => {
    const { creator } = await creatorWithAvailableFunds(1);
    const other = await creatorAndFan();
    const mine = await callBrand("GET", "/v1/earnings?range=30d", await tokenFor(creator.id));
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as {
      currencies: { totals: { gross: number; net: number }; byTenant: Record<string, unknown> }[];
    };
    expect(body.currencies[0]?.totals).toMatchObject({ gross: 1000, net: 800 });
    expect(Object.keys(body.currencies[0]?.byTenant ?? {})).toEqual(["girlfanz"]);
    const theirs = await callBrand("GET", "/v1/earnings?range=30d", await tokenFor(other.creator.id));
    expect(((await theirs.json()) as { currencies: unknown[] }).currencies).toEqual([]);
    const pupfanz = await callBrand(
      "GET",
      "/v1/earnings?range=30d&tenant=pupfanz",
      await tokenFor(creator.id),
    );
    const onPupfanz = (await pupfanz.json()) as { currencies: { totals: { gross: number } }[] };
    expect(onPupfanz.currencies.every((report) => report.totals.gross === 0)).toBe(true);
    await expectProblem(await callBrand("GET", "/v1/earnings"), 401, "unauthenticated");
    await expectProblem(
      await callBrand("GET", "/v1/earnings", await tokenFor(other.fan.id)),
      403,
      "forbidden",
    );
  });
});

describe("plans", () => {
  it("only the creator manages their plans; another creator, another brand's token and anonymous are refused", async () => {
    const { creator, fan } = await creatorAndFan();
    const other = await creatorAndFan();
    const path = `/v1/creators/${creator.profileId}/plans`;
    const plan = {
      name: "Gold",
      priceCents: 1500,
      trialDays: 7,
      perks: ["DMs"],
      bundles: [{ months: 12, discountBps: 2000 }],
    };
    await expectProblem(await callBrand("POST", path, {}, plan), 401, "unauthenticated");
    await expectProblem(await callBrand("POST", path, await tokenFor(fan.id), plan), 403, "forbidden");
    await expectProblem(
      await callBrand("POST", path, await tokenFor(other.creator.id), plan),
      403,
      "forbidden",
    );
    await expectProblem(
      await callBrand("POST", path, await tokenFor(creator.id, "pupfanz"), plan),
      401,
      "unauthenticated",
    );
    const created = await callBrand("POST", path, await tokenFor(creator.id), plan);
    expect(created.status).toBe(201);
    const row = (await created.json()) as { id: string; currency: string; bundles: { priceCents: number }[] };
    expect(row).toMatchObject({ currency: "USD", bundles: [{ priceCents: 14400 }] });

    // Plans are per brand: pupfanz lists none of them.
    expect(
      ((await (await callBrand("GET", path, {}, undefined, "pupfanz")).json()) as { plans: unknown[] }).plans,
    ).toEqual([]);
    const change = `${path}/${row.id}`;
    await expectProblem(
      await callBrand("PATCH", change, await tokenFor(other.creator.id), { active: false }),
      403,
      "forbidden",
    );
    await expectProblem(
      await callBrand(
        "PATCH",
        `/v1/creators/${other.creator.profileId}/plans/${row.id}`,
        await tokenFor(other.creator.id),
        { active: false },
      ),
      404,
      "not_found",
    );
    // A fan subscribes, then the plan is deactivated: new checkouts are refused, the subscriber keeps theirs.
    const opened = await checkout(fan.id, { kind: "subscription", planId: row.id });
    expect(opened.status).toBe(201);
    expect((await callBrand("PATCH", change, await tokenFor(creator.id), { active: false })).status).toBe(
      200,
    );
    expect(((await (await callBrand("GET", path)).json()) as { plans: unknown[] }).plans).toEqual([]);
    await expectProblem(
      await checkout(other.fan.id, { kind: "subscription", planId: row.id }),
      404,
      "not_found",
    );
    const subscription = await env.DB.prepare("SELECT status FROM subscription WHERE plan_id = ?")
      .bind(row.id)
      .first();
    expect(subscription).toMatchObject({ status: "incomplete" });
  });

  it("promo codes: percent off, capped, new subscribers only", async () => {
    const { creator, fan } = await creatorAndFan();
    const second = await creatorAndFan();
    const token = await tokenFor(creator.id);
    const plan = (await (
      await callBrand("POST", `/v1/creators/${creator.profileId}/plans`, token, {
        name: "P",
        priceCents: 1000,
      })
    ).json()) as { id: string };
    const promo = await callBrand("POST", `/v1/creators/${creator.profileId}/promo-codes`, token, {
      code: "HALF",
      kind: "percent",
      value: 5000,
      maxRedemptions: 1,
      newSubscribersOnly: true,
    });
    expect(promo.status).toBe(201);
    const first = await checkout(fan.id, { kind: "subscription", planId: plan.id, promoCode: "half" });
    const opened = (await first.json()) as { amountCents: number; url: string };
    expect(opened.amountCents).toBe(500);
    // The code is used up when that subscription is paid, not when its checkout opens.
    expect((await press(`${new URL(opened.url).pathname}/pay`)).status).toBe(303);
    await expectProblem(
      await checkout(second.fan.id, { kind: "subscription", planId: plan.id, promoCode: "HALF" }),
      422,
      "unprocessable_content",
    );
    await expectProblem(
      await checkout(second.fan.id, { kind: "subscription", planId: plan.id, promoCode: "NOPE" }),
      422,
      "unprocessable_content",
    );
  });
});
