import { env } from "cloudflare:workers";
import { callBrand, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import {
  checkout,
  creatorAndFan,
  entitled,
  ledgerOf,
  post,
  press,
  publishedPost,
  signedEvent,
  tokenFor,
} from "./payments.testing";

const count = async (sql: string, ...values: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...values)
      .first<{ n: number }>()
  )?.n ?? 0;

/** A PPV checkout through the real route; answers the checkout and the sandbox session id in its URL. */
async function ppvCheckout(price = 1000) {
  const { creator, fan } = await creatorAndFan();
  const contentId = await publishedPost(creator.id, {
    title: "Special",
    visibility: "ppv",
    priceCents: price,
  });
  const response = await checkout(fan.id, { kind: "ppv", contentId });
  expect(response.status).toBe(201);
  const opened = (await response.json()) as { checkoutId: string; url: string; amountCents: number };
  const sessionRef = new URL(opened.url).pathname.split("/").pop() as string;
  return { creator, fan, contentId, opened, sessionRef };
}

/** The event a provider sends when a one-off checkout is paid. */
const paidCheckout = (checkoutId: string, paymentRef: string, amount: number) =>
  signedEvent("checkout.session.completed", {
    id: `cs_test_${paymentRef}`,
    object: "checkout.session",
    mode: "payment",
    payment_status: "paid",
    payment_intent: paymentRef,
    metadata: { fun_checkout: checkoutId },
    amount_total: amount,
    currency: "usd",
  });

describe("the sandbox checkout, end to end", () => {
  it("pay → webhook → ledger → entitlement, then refund takes the entitlement back", async () => {
    const { creator, fan, contentId, opened, sessionRef } = await ppvCheckout(1000);
    expect(opened.url).toMatch(
      new RegExp(`^http://girlfanz\\.localhost(:\\d+)?/v1/sandbox/checkout/${sessionRef}$`),
    );
    expect(await entitled(fan.profileId, contentId)).toBe(false);

    const shown = await callBrand("GET", `/v1/sandbox/checkout/${sessionRef}`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain("Pay 10.00 USD");

    const paid = await press(`/v1/sandbox/checkout/${sessionRef}/pay`);
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toContain(`checkout=${opened.checkoutId}`);
    expect(await entitled(fan.profileId, contentId)).toBe(true);

    // girlfanz keeps 20 %; the sandbox charges Stripe's 2.9 % + 30.
    const [balance] = await ledgerOf(creator.profileId).balances();
    expect(balance).toMatchObject({ currency: "USD", pending: 1000 - 200 - 59, available: 0 });
    expect(
      await count(
        "SELECT count(*) AS n FROM outbox WHERE type = 'fun.purchase.completed' AND json_extract(payload, '$.data.contentId') = ?",
        contentId,
      ),
    ).toBe(1);

    expect((await press(`/v1/sandbox/checkout/${sessionRef}/refund`)).status).toBe(303);
    expect(await entitled(fan.profileId, contentId)).toBe(false);
    const [after] = await ledgerOf(creator.profileId).balances();
    expect(after?.pending).toBe(0);
  });

  it("a dispute locks the post; won gives the money back without the fee, lost keeps it taken", async () => {
    for (const won of [true, false]) {
      const { creator, fan, contentId, sessionRef } = await ppvCheckout(2000);
      await press(`/v1/sandbox/checkout/${sessionRef}/pay`);
      const net = 2000 - 400 - 88;
      await press(`/v1/sandbox/checkout/${sessionRef}/dispute`);
      expect(await entitled(fan.profileId, contentId)).toBe(false);
      await press(`/v1/sandbox/checkout/${sessionRef}/${won ? "dispute-won" : "dispute-lost"}`);
      expect(await entitled(fan.profileId, contentId)).toBe(won);
      const [balance] = await ledgerOf(creator.profileId).balances();
      const total = (balance?.pending ?? 0) + (balance?.available ?? 0);
      // The dispute fee (15.00) is the creator's either way; a lost dispute also loses the sale.
      if (won) expect(total).toBe(net - 1500);
      else expect(total).toBeLessThan(net - 1500);
    }
  });
});

describe("POST /v1/webhooks/payments", () => {
  it("refuses a bad signature, a wrong secret and a stale timestamp with 400, changing nothing", async () => {
    const { opened } = await ppvCheckout();
    const good = await paidCheckout(opened.checkoutId, "pi_sig_1", 1000);
    const before = await count("SELECT count(*) AS n FROM payment_event");
    await expectProblem(
      await post({ payload: good.payload.replace("1000", "1"), header: good.header }),
      400,
      "bad_request",
    );
    await expectProblem(
      await post(await signedEvent("checkout.session.completed", {}, { secret: "whsec_someone_else" })),
      400,
      "bad_request",
    );
    const stale = await signedEvent(
      "checkout.session.completed",
      {
        id: "cs_old",
        mode: "payment",
        payment_status: "paid",
        payment_intent: "pi_old",
        metadata: { fun_checkout: opened.checkoutId },
      },
      { timestamp: Math.floor(Date.now() / 1000) - 3600 },
    );
    await expectProblem(await post(stale), 400, "bad_request");
    await expectProblem(await post({ payload: good.payload, header: "" }), 400, "bad_request");
    expect(await count("SELECT count(*) AS n FROM payment_event")).toBe(before);
    expect(
      await count(
        "SELECT count(*) AS n FROM purchase WHERE checkout_id = ? AND status = 'succeeded'",
        opened.checkoutId,
      ),
    ).toBe(0);
  });

  it("applies an event delivered three times at once exactly once", async () => {
    const { creator, fan, contentId, opened } = await ppvCheckout(1000);
    const event = await paidCheckout(opened.checkoutId, "pi_dup_1", 1000);
    const answers = await Promise.all([post(event), post(event), post(event)]);
    const outcomes = await Promise.all(
      answers.map(async (r) => ((await r.json()) as { outcome: string }).outcome),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(2);
    const entries = await ledgerOf(creator.profileId).entries({ limit: 50 });
    expect(entries.filter((e) => e.kind === "sale")).toHaveLength(1);
    expect(
      await count(
        "SELECT count(*) AS n FROM outbox WHERE type = 'fun.purchase.completed' AND json_extract(payload, '$.data.contentId') = ?",
        contentId,
      ),
    ).toBe(1);
    expect(await entitled(fan.profileId, contentId)).toBe(true);
    // Days later, the same event again: still nothing.
    expect(((await (await post(event)).json()) as { outcome: string }).outcome).toBe("duplicate");
  });

  it("keeps a refund that arrives before its payment and applies it when the payment lands", async () => {
    const { creator, opened } = await ppvCheckout(1000);
    const refund = await signedEvent("charge.refunded", {
      id: "ch_early",
      object: "charge",
      amount: 1000,
      amount_refunded: 400,
      payment_intent: "pi_early_1",
      refunded: false,
      refunds: { data: [{ id: "re_early_1", amount: 400, status: "succeeded" }] },
    });
    expect(await (await post(refund)).json()).toMatchObject({ outcome: "deferred" });
    expect(
      await count("SELECT count(*) AS n FROM payment_event_deferred WHERE waiting_on = 'sale:pi_early_1'"),
    ).toBe(1);
    // A redelivery of the early event does not duplicate it.
    expect(await (await post(refund)).json()).toMatchObject({ outcome: "deferred" });

    expect(
      await (await post(await paidCheckout(opened.checkoutId, "pi_early_1", 1000))).json(),
    ).toMatchObject({
      outcome: "applied",
    });
    const kinds = (await ledgerOf(creator.profileId).entries({ limit: 50 })).map((e) => e.kind);
    expect(kinds).toEqual(["sale", "refund"]);
    expect(await count("SELECT count(*) AS n FROM payment_event_deferred")).toBe(0);
    // Partly refunded: the fan keeps the post.
    expect(
      await count(
        "SELECT count(*) AS n FROM purchase WHERE checkout_id = ? AND status = 'succeeded'",
        opened.checkoutId,
      ),
    ).toBe(1);
  });
});

describe("subscriptions from webhooks, in any order", () => {
  async function subscriptionCheckout() {
    const { creator, fan } = await creatorAndFan();
    const created = await callBrand(
      "POST",
      `/v1/creators/${creator.profileId}/plans`,
      await tokenFor(creator.id),
      { name: "Monthly", priceCents: 900, bundles: [{ months: 3, discountBps: 1000 }] },
    );
    expect(created.status).toBe(201);
    const plan = (await created.json()) as { id: string };
    const response = await checkout(fan.id, { kind: "subscription", planId: plan.id, months: 3 });
    expect(response.status).toBe(201);
    const opened = (await response.json()) as { checkoutId: string; amountCents: number };
    expect(opened.amountCents).toBe(2430);
    const contentId = await publishedPost(creator.id, { title: "Members", visibility: "subscribers" });
    return { creator, fan, opened, contentId };
  }

  const subscriptionObject = (checkoutId: string, status: string, end: number) => ({
    id: "sub_test_order",
    object: "subscription",
    status,
    metadata: { fun_checkout: checkoutId },
    items: { data: [{ current_period_end: Math.floor(end / 1000) }] },
  });

  it("invoice.paid before customer.subscription.created activates it; late states never undo a payment or a cancellation", async () => {
    const { creator, fan, opened, contentId } = await subscriptionCheckout();
    const end = Date.now() + 90 * 24 * 3600 * 1000;
    const now = Math.floor(Date.now() / 1000);
    const invoice = await signedEvent(
      "invoice.paid",
      {
        id: "in_test_1",
        object: "invoice",
        amount_paid: 2430,
        currency: "usd",
        parent: {
          subscription_details: {
            subscription: "sub_test_order",
            metadata: { fun_checkout: opened.checkoutId },
          },
        },
        payments: { data: [{ payment: { payment_intent: "pi_sub_1" } }] },
        lines: { data: [{ period: { end: Math.floor(end / 1000) } }] },
      },
      { created: now },
    );
    expect(await (await post(invoice)).json()).toMatchObject({ outcome: "applied" });
    expect(await entitled(fan.profileId, contentId)).toBe(true);

    const created = await signedEvent(
      "customer.subscription.created",
      subscriptionObject(opened.checkoutId, "incomplete", end),
      {
        created: now - 5,
      },
    );
    expect(await (await post(created)).json()).toMatchObject({ outcome: "applied" });
    expect(await entitled(fan.profileId, contentId)).toBe(true);

    const deleted = await signedEvent(
      "customer.subscription.deleted",
      subscriptionObject(opened.checkoutId, "canceled", end),
      {
        created: now + 10,
      },
    );
    await post(deleted);
    expect(await entitled(fan.profileId, contentId)).toBe(false);
    // An "updated: active" older than the deletion, arriving after it, changes nothing.
    await post(
      await signedEvent(
        "customer.subscription.updated",
        subscriptionObject(opened.checkoutId, "active", end),
        { created: now + 2 },
      ),
    );
    expect(await entitled(fan.profileId, contentId)).toBe(false);

    const types = await env.DB.prepare(
      "SELECT type FROM outbox WHERE json_extract(payload, '$.data.fanId') = ? ORDER BY created_at",
    )
      .bind(fan.profileId)
      .all<{ type: string }>();
    expect(types.results.map((r) => r.type)).toEqual([
      "fun.subscription.started",
      "fun.subscription.cancelled",
    ]);
    const [balance] = await ledgerOf(creator.profileId).balances();
    expect(balance?.pending).toBe(2430 - 486); // the sandbox has no record of pi_sub_1, so no processor fee
  });
});

describe("checkout refusals", () => {
  it("refuses one's own content, content already owned, and a blocked creator", async () => {
    const { creator, fan, contentId, sessionRef } = await ppvCheckout(500);
    await expectProblem(await checkout(creator.id, { kind: "ppv", contentId }), 403, "forbidden");
    await press(`/v1/sandbox/checkout/${sessionRef}/pay`);
    await expectProblem(await checkout(fan.id, { kind: "ppv", contentId }), 409, "conflict");
    await env.DB.prepare("INSERT INTO block (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)")
      .bind(creator.profileId, fan.profileId, Date.now())
      .run();
    await expectProblem(
      await checkout(fan.id, { kind: "tip", creatorId: creator.profileId, amountCents: 500, message: "hi" }),
      403,
      "forbidden",
    );
    await expectProblem(
      await checkout(fan.id, { kind: "tip", creatorId: creator.profileId, amountCents: 500 }, "girlfanz"),
      403,
      "forbidden",
    );
  });
});
