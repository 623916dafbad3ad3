import { newId } from "@fun/core";
import { type CoreDb, profileTenant } from "@fun/db";
import { ApiError } from "@fun/http";
import type { Tenant } from "@fun/tenancy";
import type { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { findContent } from "../content/content.repo";
import { visibleToOutsider } from "../content/visibility";
import type { PaymentProvider } from "../payments/provider";
import { everSubscribed, findPlan, findPromo, promoOpen } from "../plans/plans.repo";
import { afterPromotion, bundlePrice } from "../plans/pricing";
import { blockedBetween } from "../profiles/social.repo";
import { alreadyOwned, attachProviderSession, insertCheckout, subscribedTo } from "./checkout.repo";
import type { NewCheckoutSchema } from "./checkout.schema";

type NewCheckout = z.infer<typeof NewCheckoutSchema>;

interface Buyer {
  fanProfileId: string;
  tenant: Tenant;
  currency: string;
  origin: string;
}

async function refuseUnlessOpenTo(db: CoreDb, buyer: Buyer, creatorProfileId: string) {
  if (creatorProfileId === buyer.fanProfileId)
    throw new ApiError("forbidden", "You cannot buy your own content.");
  if (await blockedBetween(db, buyer.fanProfileId, creatorProfileId)) {
    throw new ApiError("forbidden", "You cannot buy from this creator.");
  }
  const presence = await db
    .select({ visible: profileTenant.isVisible })
    .from(profileTenant)
    .where(and(eq(profileTenant.profileId, creatorProfileId), eq(profileTenant.tenantId, buyer.tenant.id)))
    .get();
  if (!presence?.visible) throw new ApiError("not_found", "No such creator on this brand.");
}

/** What is sold, to whom, for how much: every refusal happens here, before the provider is called. */
async function priceCheckout(db: CoreDb, buyer: Buyer, order: NewCheckout, now: number) {
  if (order.kind === "subscription") {
    const plan = await findPlan(db, buyer.tenant.id, order.planId);
    if (!plan?.active) throw new ApiError("not_found", "No such plan on this brand.");
    await refuseUnlessOpenTo(db, buyer, plan.creatorProfileId);
    if (await subscribedTo(db, buyer.fanProfileId, plan.id, now)) {
      throw new ApiError("conflict", "You already subscribe to this plan.");
    }
    const bundle = plan.bundles.find((b) => b.months === order.months);
    if (order.months !== 1 && !bundle)
      throw new ApiError("unprocessable_content", `This plan has no ${order.months}-month bundle.`);
    let amount = bundle ? bundlePrice(plan.priceCents, bundle) : plan.priceCents;
    let promoCodeId: string | null = null;
    let renewalAmount: number | undefined;
    if (order.promoCode) {
      const promo = await findPromo(db, buyer.tenant.id, plan.creatorProfileId, order.promoCode);
      if (!promo || (promo.planId !== null && promo.planId !== plan.id)) {
        throw new ApiError("unprocessable_content", "This promotion code does not apply.");
      }
      if (promo.newSubscribersOnly && (await everSubscribed(db, buyer.fanProfileId, plan.creatorProfileId))) {
        throw new ApiError("unprocessable_content", "This promotion is for new subscribers only.");
      }
      if (!promoOpen(promo, now)) {
        throw new ApiError("unprocessable_content", "This promotion code has expired or is used up.");
      }
      // The promotion lowers the first period only; later periods cost the full price.
      renewalAmount = amount;
      amount = afterPromotion(amount, promo);
      promoCodeId = promo.id;
    }
    return {
      creatorProfileId: plan.creatorProfileId,
      amount,
      currency: plan.currency,
      description: `${plan.name} (${order.months} month${order.months > 1 ? "s" : ""})`,
      plan,
      promoCodeId,
      renewalAmount,
      months: order.months,
    };
  }
  if (order.kind === "ppv") {
    const found = await findContent(db, order.contentId);
    if (!found) throw new ApiError("not_found", "No such post on this brand.");
    await refuseUnlessOpenTo(db, buyer, found.row.creatorProfileId);
    const post = { creatorProfileId: found.row.creatorProfileId, publications: found.publications };
    if (!(await visibleToOutsider(db, post, buyer.tenant.id, buyer.fanProfileId))) {
      throw new ApiError("not_found", "No such post on this brand.");
    }
    if (found.row.visibility !== "ppv" || found.row.priceCents <= 0) {
      throw new ApiError("unprocessable_content", "This post is not sold pay-per-view.");
    }
    if (await alreadyOwned(db, buyer.fanProfileId, found.row.id)) {
      throw new ApiError("conflict", "You already own this post.");
    }
    return {
      creatorProfileId: found.row.creatorProfileId,
      amount: found.row.priceCents,
      currency: buyer.currency,
      description: found.row.title,
      contentId: found.row.id,
    };
  }
  await refuseUnlessOpenTo(db, buyer, order.creatorId);
  return {
    creatorProfileId: order.creatorId,
    amount: order.amountCents,
    currency: buyer.currency,
    description: "Tip",
    message: order.message ?? null,
  };
}

/**
 * Opens a checkout at the provider for a subscription, a PPV post or a tip. The checkout row and the
 * subscription (`incomplete`) or purchase (`pending`) it sells are written first, in one batch; the
 * provider's webhooks then complete them.
 */
export async function openCheckout(db: CoreDb, provider: PaymentProvider, buyer: Buyer, order: NewCheckout) {
  const now = Date.now();
  const priced = await priceCheckout(db, buyer, order, now);
  const checkoutId = newId("checkout", now);
  const base = {
    id: checkoutId,
    tenantId: buyer.tenant.id,
    fanProfileId: buyer.fanProfileId,
    creatorProfileId: priced.creatorProfileId,
    kind: order.kind,
    amountCents: priced.amount,
    currency: priced.currency,
    status: "open" as const,
    provider: provider.name,
    createdAt: now,
    updatedAt: now,
  };
  if ("plan" in priced && priced.plan) {
    const subscriptionId = newId("subscription", now);
    await insertCheckout(
      db,
      { ...base, planId: priced.plan.id, subscriptionId, promoCodeId: priced.promoCodeId },
      {
        subscription: {
          id: subscriptionId,
          tenantId: buyer.tenant.id,
          fanProfileId: buyer.fanProfileId,
          planId: priced.plan.id,
          status: "incomplete",
          provider: provider.name,
          checkoutId,
          months: priced.months,
          createdAt: now,
          updatedAt: now,
        },
      },
    );
  } else {
    const purchaseId = newId("purchase", now);
    const contentId = "contentId" in priced ? (priced.contentId ?? null) : null;
    await insertCheckout(
      db,
      { ...base, contentId, purchaseId },
      {
        purchase: {
          id: purchaseId,
          tenantId: buyer.tenant.id,
          fanProfileId: buyer.fanProfileId,
          creatorProfileId: priced.creatorProfileId,
          kind: order.kind === "tip" ? "tip" : "ppv",
          contentId,
          amountCents: priced.amount,
          currency: priced.currency,
          status: "pending",
          provider: provider.name,
          checkoutId,
          message: "message" in priced ? (priced.message ?? null) : null,
          createdAt: now,
          updatedAt: now,
        },
      },
    );
  }
  const session = await provider.createCheckout({
    checkoutId,
    kind: order.kind,
    amount: priced.amount,
    currency: priced.currency,
    description: priced.description,
    ...("plan" in priced && priced.plan
      ? {
          intervalMonths: priced.months,
          trialDays: priced.plan.trialDays,
          ...(priced.renewalAmount !== undefined ? { renewalAmount: priced.renewalAmount } : {}),
        }
      : {}),
    successUrl: `${buyer.origin}/?checkout=${checkoutId}`,
    cancelUrl: `${buyer.origin}/?checkout=${checkoutId}&cancelled=1`,
    origin: buyer.origin,
  });
  await attachProviderSession(db, checkoutId, session.sessionRef, session.url);
  return { checkoutId, url: session.url, amountCents: priced.amount, currency: priced.currency };
}
