import { env } from "cloudflare:workers";
import type { CreatorLedgerRpc } from "@fun/contracts";
import { createCoreDb } from "@fun/db";
import { SEED } from "@fun/db/seed";
import { fanIsEntitled } from "@fun/policy";
import { accessToken, bearer, callBrand, callWorker, grantRole, newPerson } from "@fun/testing";
import { Stripe } from "stripe";
import { expect } from "vitest";

/** Test helpers for commerce: people, posts, signed provider events. */

export const WEBHOOK_SECRET = env.STRIPE_WEBHOOK_SECRET;
const cryptoProvider = Stripe.createSubtleCryptoProvider();

export async function creatorAndFan() {
  const creator = await newPerson({ label: "seller", creator: true, present: true });
  const fan = await newPerson({ label: "buyer", present: true });
  await grantRole(fan.id, "fan");
  return { creator, fan };
}

export const tokenFor = async (accountId: string, brand: keyof typeof SEED.tenants = "girlfanz") =>
  bearer(await accessToken({ accountId, brand }));

/** A published post of the creator on the brand. */
export async function publishedPost(
  creatorAccountId: string,
  body: Record<string, unknown>,
  brand: keyof typeof SEED.tenants = "girlfanz",
) {
  const response = await callBrand(
    "POST",
    "/v1/content",
    await tokenFor(creatorAccountId, brand),
    body,
    brand,
  );
  expect(response.status).toBe(201);
  const post = (await response.json()) as { id: string };
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
  )
    .bind(`ctm_${post.id.slice(4)}`, post.id, SEED.tenants[brand].id, now, now, now)
    .run();
  return post.id;
}

/** Signs a Stripe-format event the way the provider does (the stripe SDK's own test helper). */
export async function signedEvent(
  type: string,
  object: Record<string, unknown>,
  options: { id?: string; created?: number; timestamp?: number; secret?: string } = {},
) {
  const payload = JSON.stringify({
    id: options.id ?? `evt_test_${crypto.randomUUID().replaceAll("-", "")}`,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: options.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    type,
    data: { object },
  });
  const header = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    cryptoProvider,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  return { payload, header };
}

/** Posts a signed event to the webhook route, raw body byte for byte. */
export async function post(event: { payload: string; header: string }) {
  return callWorker("/v1/webhooks/payments", {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": event.header },
    body: event.payload,
  });
}

export const ledgerOf = (profileId: string) =>
  env.LEDGER.get(env.LEDGER.idFromName(profileId)) as unknown as CreatorLedgerRpc;

export async function entitled(fanProfileId: string, contentId: string) {
  const db = createCoreDb(env.DB);
  const row = await env.DB.prepare("SELECT id, visibility, creator_profile_id FROM content WHERE id = ?")
    .bind(contentId)
    .first<{ id: string; visibility: "ppv" | "subscribers" | "public"; creator_profile_id: string }>();
  if (!row) throw new Error("no such post");
  return fanIsEntitled(db, fanProfileId, {
    id: row.id,
    visibility: row.visibility,
    creatorProfileId: row.creator_profile_id,
  });
}

export async function checkout(fanAccountId: string, body: Record<string, unknown>, brand = "girlfanz") {
  return callBrand(
    "POST",
    "/v1/checkout/session",
    await tokenFor(fanAccountId, brand as "girlfanz"),
    body,
    brand,
  );
}

/** Presses a sandbox button (a form post) on the brand host; answers its redirect, not where it leads. */
export function press(path: string, brand = "girlfanz") {
  return callWorker(path, { method: "POST", host: `${brand}.localhost`, redirect: "manual" });
}

type Brand = keyof typeof SEED.tenants;

/** Links the creator's payout account on a brand and completes the sandbox onboarding (KYC verified). */
export async function verifiedPayoutAccount(
  creatorAccountId: string,
  brand: Brand = "girlfanz",
  country = "US",
) {
  const linked = await callBrand(
    "POST",
    "/v1/payouts:linkAccount",
    await tokenFor(creatorAccountId, brand),
    { country },
    brand,
  );
  expect(linked.status).toBe(200);
  const link = (await linked.json()) as { onboardingUrl: string; kycStatus: string };
  await press(`${new URL(link.onboardingUrl).pathname}/complete`, brand);
  return link;
}

/**
 * Pays an open checkout by a signed `checkout.session.completed`, applied by the webhook (the sandbox
 * itself never sees the payment); answers the provider's payment id.
 */
export async function payByWebhook(
  checkoutId: string,
  payment: { amount: number; currency: string; daysAgo?: number; paymentRef?: string },
) {
  const paymentRef = payment.paymentRef ?? `pi_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const paid = await signedEvent(
    "checkout.session.completed",
    {
      id: `cs_${paymentRef}`,
      object: "checkout.session",
      mode: "payment",
      payment_status: "paid",
      payment_intent: paymentRef,
      metadata: { fun_checkout: checkoutId },
      amount_total: payment.amount,
      currency: payment.currency.toLowerCase(),
    },
    { created: Math.floor((Date.now() - (payment.daysAgo ?? 0) * 24 * 3600 * 1000) / 1000) },
  );
  expect(((await (await post(paid)).json()) as { outcome: string }).outcome).toBe("applied");
  return paymentRef;
}

/** A pay-per-view post of the creator bought by the fan and paid `daysAgo` days ago (`payByWebhook`). */
export async function paidPpvSale(
  creatorAccountId: string,
  fanAccountId: string,
  sale: { title: string; priceCents: number; currency: string; daysAgo: number; brand?: Brand },
) {
  const brand = sale.brand ?? "girlfanz";
  const contentId = await publishedPost(
    creatorAccountId,
    { title: sale.title, visibility: "ppv", priceCents: sale.priceCents },
    brand,
  );
  const opened = (await (await checkout(fanAccountId, { kind: "ppv", contentId }, brand)).json()) as {
    checkoutId: string;
  };
  return payByWebhook(opened.checkoutId, {
    amount: sale.priceCents,
    currency: sale.currency,
    daysAgo: sale.daysAgo,
  });
}
