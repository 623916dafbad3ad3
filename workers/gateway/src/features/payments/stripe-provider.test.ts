import { getResponse, HttpResponse, http } from "msw";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signedEvent } from "./payments.testing";
import { StripeProvider, toBalanceTransaction } from "./stripe-provider";

/** Stripe's API, intercepted at the network edge with answers shaped like its documented objects. */
const seen: { path: string; body: string; idempotencyKey: string | null; account: string | null }[] = [];
const handlers = [
  http.post("https://api.stripe.com/v1/checkout/sessions", async ({ request }) => {
    seen.push({
      path: "checkout",
      body: await request.text(),
      idempotencyKey: request.headers.get("idempotency-key"),
      account: null,
    });
    return HttpResponse.json({
      id: "cs_test_a1",
      object: "checkout.session",
      url: "https://checkout.stripe.com/c/pay/cs_test_a1",
    });
  }),
  http.post("https://api.stripe.com/v1/coupons", async ({ request }) => {
    seen.push({
      path: "coupon",
      body: await request.text(),
      idempotencyKey: request.headers.get("idempotency-key"),
      account: null,
    });
    return HttpResponse.json({ id: "coupon_1", object: "coupon", duration: "once" });
  }),
  http.get("https://api.stripe.com/v1/payment_intents/:id", ({ params }) =>
    HttpResponse.json({
      id: params.id,
      object: "payment_intent",
      latest_charge: {
        id: "ch_1",
        object: "charge",
        balance_transaction: { id: "txn_1", object: "balance_transaction", fee: 320 },
      },
    }),
  ),
  http.post("https://api.stripe.com/v1/transfers", async ({ request }) => {
    seen.push({
      path: "transfer",
      body: await request.text(),
      idempotencyKey: request.headers.get("idempotency-key"),
      account: null,
    });
    return HttpResponse.json({ id: "tr_1", object: "transfer" });
  }),
  http.post("https://api.stripe.com/v1/payouts", async ({ request }) => {
    seen.push({
      path: "payout",
      body: await request.text(),
      idempotencyKey: request.headers.get("idempotency-key"),
      account: request.headers.get("stripe-account"),
    });
    return HttpResponse.json({ id: "po_1", object: "payout" });
  }),
];

let spy: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  const realFetch = globalThis.fetch;
  spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== "https://api.stripe.com") return realFetch(request);
    return (
      (await getResponse(handlers, request)) ??
      HttpResponse.json({ error: { message: "unmocked" } }, { status: 404 })
    );
  });
});
afterAll(() => spy.mockRestore());

const stripe = new StripeProvider("sk_test_123", "whsec_test_secret");

describe("the Stripe adapter", () => {
  it("opens a subscription checkout carrying our checkout id, keyed by it", async () => {
    const session = await stripe.createCheckout({
      checkoutId: "chk_1",
      kind: "subscription",
      amount: 2430,
      currency: "USD",
      description: "Monthly (3 months)",
      intervalMonths: 3,
      trialDays: 7,
      successUrl: "https://girlfanz.com/?ok",
      cancelUrl: "https://girlfanz.com/?no",
      origin: "https://girlfanz.com",
    });
    expect(session).toEqual({
      sessionRef: "cs_test_a1",
      url: "https://checkout.stripe.com/c/pay/cs_test_a1",
    });
    const call = seen.find((c) => c.path === "checkout");
    expect(call?.idempotencyKey).toBe("checkout:chk_1");
    const form = new URLSearchParams(call?.body);
    expect(form.get("mode")).toBe("subscription");
    expect(form.get("subscription_data[metadata][fun_checkout]")).toBe("chk_1");
    expect(form.get("subscription_data[trial_period_days]")).toBe("7");
    expect(form.get("line_items[0][price_data][recurring][interval_count]")).toBe("3");
  });

  it("takes a first-period promotion off the first invoice only, by a one-off coupon", async () => {
    await stripe.createCheckout({
      checkoutId: "chk_promo",
      kind: "subscription",
      amount: 500,
      renewalAmount: 1000,
      currency: "USD",
      description: "Monthly (1 month)",
      intervalMonths: 1,
      successUrl: "https://girlfanz.com/?ok",
      cancelUrl: "https://girlfanz.com/?no",
      origin: "https://girlfanz.com",
    });
    const coupon = seen.find((c) => c.path === "coupon");
    expect(coupon?.idempotencyKey).toBe("coupon:chk_promo");
    const terms = new URLSearchParams(coupon?.body);
    expect(terms.get("duration")).toBe("once");
    expect(terms.get("amount_off")).toBe("500");
    expect(terms.get("currency")).toBe("usd");
    const form = new URLSearchParams(seen.find((c) => c.idempotencyKey === "checkout:chk_promo")?.body);
    expect(form.get("line_items[0][price_data][unit_amount]")).toBe("1000");
    expect(form.get("discounts[0][coupon]")).toBe("coupon_1");
  });

  it("reads the processor fee from the payment's balance transaction", async () => {
    expect(await stripe.paymentFee("pi_123")).toBe(320);
    expect(await stripe.paymentFee("in_trial")).toBe(0);
  });

  it("pays out by a transfer and a payout on the connected account, both keyed by our payout id", async () => {
    expect(
      await stripe.createPayout({ payoutId: "pay_1", accountRef: "acct_1", amount: 5000, currency: "USD" }),
    ).toEqual({
      payoutRef: "po_1",
    });
    expect(seen.find((c) => c.path === "transfer")?.idempotencyKey).toBe("transfer:pay_1");
    const payout = seen.find((c) => c.path === "payout");
    expect(payout).toMatchObject({ idempotencyKey: "payout:pay_1", account: "acct_1" });
    expect(new URLSearchParams(payout?.body).get("metadata[fun_payout]")).toBe("pay_1");
  });

  it("verifies webhooks with its own secret and maps them; anything else is refused", async () => {
    const event = await signedEvent(
      "payout.failed",
      { id: "po_9", metadata: { fun_payout: "pay_9" }, failure_code: "account_closed" },
      { secret: "whsec_test_secret" },
    );
    const verified = await stripe.verifyWebhook(
      event.payload,
      new Headers({ "stripe-signature": event.header }),
    );
    expect(verified).toMatchObject({
      ok: true,
      value: { kind: "payout_settled", paid: false, payoutId: "pay_9" },
    });
    const forged = await stripe.verifyWebhook(
      event.payload.replace("po_9", "po_8"),
      new Headers({ "stripe-signature": event.header }),
    );
    expect(forged.ok).toBe(false);
  });

  it("maps balance transactions to the ids the ledger keys postings by", () => {
    expect(
      toBalanceTransaction({
        id: "txn_1",
        amount: 1000,
        fee: 59,
        currency: "usd",
        created: 1,
        reporting_category: "charge",
        source: { id: "ch_1", payment_intent: "pi_1" },
      }),
    ).toMatchObject({ type: "charge", ref: "pi_1", amount: 1000, fee: 59, currency: "USD" });
    expect(
      toBalanceTransaction({
        id: "txn_2",
        amount: -500,
        fee: 0,
        currency: "usd",
        created: 1,
        reporting_category: "transfer",
        source: { id: "tr_1", metadata: { fun_payout: "pay_1" } },
      }),
    ).toMatchObject({ type: "payout", ref: "pay_1", amount: -500 });
  });
});
