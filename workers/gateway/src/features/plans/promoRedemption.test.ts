import { env } from "cloudflare:workers";
import { callBrand, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { checkout, creatorAndFan, press, tokenFor } from "../payments/payments.testing";

async function anotherFan() {
  const fan = await newPerson({ label: "buyer", present: true });
  await grantRole(fan.id, "fan");
  return fan;
}

const redemptions = async (promoId: string) =>
  (
    await env.DB.prepare("SELECT redemptions FROM promo_code WHERE id = ?").bind(promoId).first<{
      redemptions: number;
    }>()
  )?.redemptions;

const subscriptionStatus = async (checkoutId: string) =>
  (
    await env.DB.prepare("SELECT status FROM subscription WHERE checkout_id = ?").bind(checkoutId).first<{
      status: string;
    }>()
  )?.status;

describe("promotion codes", () => {
  it("are redeemed when the subscription is paid, once, and a capped code refuses new checkouts only after paid redemptions reach the cap", async () => {
    const { creator, fan } = await creatorAndFan();
    const token = await tokenFor(creator.id);
    const created = await callBrand("POST", `/v1/creators/${creator.profileId}/plans`, token, {
      name: "Monthly",
      priceCents: 1000,
    });
    expect(created.status).toBe(201);
    const plan = (await created.json()) as { id: string };
    const promoResponse = await callBrand("POST", `/v1/creators/${creator.profileId}/promo-codes`, token, {
      code: "HALFOFF",
      kind: "percent",
      value: 5000,
      maxRedemptions: 1,
    });
    expect(promoResponse.status).toBe(201);
    const promo = (await promoResponse.json()) as { id: string; redemptions: number };
    expect(promo.redemptions).toBe(0);

    const open = async (accountId: string) => {
      const response = await checkout(accountId, {
        kind: "subscription",
        planId: plan.id,
        months: 1,
        promoCode: "HALFOFF",
      });
      expect(response.status, await response.clone().text()).toBe(201);
      const opened = (await response.json()) as { checkoutId: string; url: string; amountCents: number };
      expect(opened.amountCents).toBe(500);
      return { ...opened, sessionRef: new URL(opened.url).pathname.split("/").pop() as string };
    };

    // Two checkouts open with the code; neither is paid yet, so neither uses it up.
    const first = await open(fan.id);
    const second = await open((await anotherFan()).id);
    expect(await redemptions(promo.id)).toBe(0);

    // The first is paid: one redemption. A renewal (another paid invoice) counts nothing more.
    expect((await press(`/v1/sandbox/checkout/${first.sessionRef}/pay`)).status).toBe(303);
    expect(await subscriptionStatus(first.checkoutId)).toBe("active");
    expect(await redemptions(promo.id)).toBe(1);
    expect((await press(`/v1/sandbox/checkout/${first.sessionRef}/renew`)).status).toBe(303);
    expect(await redemptions(promo.id)).toBe(1);
    // The promotion lowered the first period only: the renewal is charged the full price.
    const charged = await env.DB.prepare(
      "SELECT s.gross_cents AS gross FROM commerce_sale s JOIN subscription u ON u.id = s.subscription_id WHERE u.checkout_id = ? ORDER BY s.gross_cents",
    )
      .bind(first.checkoutId)
      .all<{ gross: number }>();
    expect(charged.results.map((r) => r.gross)).toEqual([500, 1000]);
    // The lifecycle events: started once, then renewed once.
    const lifecycle = await env.DB.prepare(
      "SELECT type FROM outbox WHERE type LIKE 'fun.subscription.%' AND json_extract(payload, '$.data.subscriptionId') = (SELECT id FROM subscription WHERE checkout_id = ?) ORDER BY created_at",
    )
      .bind(first.checkoutId)
      .all<{ type: string }>();
    expect(lifecycle.results.map((r) => r.type)).toEqual([
      "fun.subscription.started",
      "fun.subscription.renewed",
    ]);

    // The cap is reached: a new checkout with the code is refused…
    const refused = await checkout((await anotherFan()).id, {
      kind: "subscription",
      planId: plan.id,
      months: 1,
      promoCode: "HALFOFF",
    });
    await expectProblem(refused, 422, "unprocessable_content");

    // …but the checkout opened while the code was open is honoured when it is paid.
    expect((await press(`/v1/sandbox/checkout/${second.sessionRef}/pay`)).status).toBe(303);
    expect(await subscriptionStatus(second.checkoutId)).toBe("active");
    expect(await redemptions(promo.id)).toBe(1);
  });
});
