import { Stripe } from "stripe";
import {
  type BalanceTransaction,
  CHECKOUT_METADATA_KEY,
  type CheckoutInput,
  PAYOUT_METADATA_KEY,
  type PaymentProvider,
} from "./provider";
import { verifyStripeEvent } from "./stripe-events";

/**
 * Stripe through its SDK on the Workers runtime: the fetch HTTP client (global `fetch`, looked up on
 * each call) and SubtleCrypto webhook verification. Creators are Connect Express accounts; a payout
 * is a transfer to the creator's account and a payout from it, both keyed by our payout id.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = "stripe";
  readonly #stripe: Stripe;

  constructor(
    secretKey: string,
    private readonly webhookSecret: string,
  ) {
    this.#stripe = new Stripe(secretKey, {
      httpClient: Stripe.createFetchHttpClient((input, init) => fetch(input, init)),
      maxNetworkRetries: 2,
    });
  }

  async createCheckout(input: CheckoutInput) {
    const metadata = { [CHECKOUT_METADATA_KEY]: input.checkoutId };
    const subscription = input.kind === "subscription";
    // A first-period promotion: the plan's full price recurs, and a one-off coupon takes the
    // difference off the first invoice only.
    const renewal = subscription && input.renewalAmount !== undefined && input.renewalAmount > input.amount;
    const coupon = renewal
      ? await this.#stripe.coupons.create(
          {
            amount_off: (input.renewalAmount ?? input.amount) - input.amount,
            currency: input.currency.toLowerCase(),
            duration: "once",
            max_redemptions: 1,
            metadata,
          },
          { idempotencyKey: `coupon:${input.checkoutId}` },
        )
      : null;
    const session = await this.#stripe.checkout.sessions.create(
      {
        mode: subscription ? "subscription" : "payment",
        client_reference_id: input.checkoutId,
        metadata,
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: input.currency.toLowerCase(),
              unit_amount: renewal ? (input.renewalAmount ?? input.amount) : input.amount,
              product_data: { name: input.description },
              ...(subscription
                ? { recurring: { interval: "month" as const, interval_count: input.intervalMonths ?? 1 } }
                : {}),
            },
          },
        ],
        ...(coupon ? { discounts: [{ coupon: coupon.id }] } : {}),
        ...(subscription
          ? {
              subscription_data: {
                metadata,
                ...(input.trialDays ? { trial_period_days: input.trialDays } : {}),
              },
            }
          : { payment_intent_data: { metadata } }),
      },
      { idempotencyKey: `checkout:${input.checkoutId}` },
    );
    if (!session.url) throw new Error("Stripe returned a checkout session without a URL");
    return { sessionRef: session.id, url: session.url };
  }

  async refundPayment(input: { paymentRef: string; amount?: number; idempotencyKey: string }) {
    await this.#stripe.refunds.create(
      { payment_intent: input.paymentRef, ...(input.amount ? { amount: input.amount } : {}) },
      { idempotencyKey: input.idempotencyKey },
    );
  }

  async createPayoutAccount(input: {
    profileId: string;
    country: string;
    email?: string;
    existingAccountRef?: string;
    returnUrl: string;
    idempotencyKey: string;
  }) {
    const accountRef =
      input.existingAccountRef ??
      (
        await this.#stripe.accounts.create(
          {
            type: "express",
            country: input.country,
            ...(input.email ? { email: input.email } : {}),
            capabilities: { transfers: { requested: true } },
            metadata: { fun_profile: input.profileId },
          },
          { idempotencyKey: input.idempotencyKey },
        )
      ).id;
    const link = await this.#stripe.accountLinks.create({
      account: accountRef,
      type: "account_onboarding",
      refresh_url: input.returnUrl,
      return_url: input.returnUrl,
    });
    return { accountRef, onboardingUrl: link.url };
  }

  async createPayout(input: { payoutId: string; accountRef: string; amount: number; currency: string }) {
    const metadata = { [PAYOUT_METADATA_KEY]: input.payoutId };
    const currency = input.currency.toLowerCase();
    await this.#stripe.transfers.create(
      { amount: input.amount, currency, destination: input.accountRef, metadata },
      { idempotencyKey: `transfer:${input.payoutId}` },
    );
    const payout = await this.#stripe.payouts.create(
      { amount: input.amount, currency, metadata },
      { idempotencyKey: `payout:${input.payoutId}`, stripeAccount: input.accountRef },
    );
    return { payoutRef: payout.id };
  }

  async paymentFee(paymentRef: string): Promise<number> {
    // An invoice with nothing to charge (a trial) has no payment and no fee.
    if (!paymentRef.startsWith("pi_")) return 0;
    const intent = await this.#stripe.paymentIntents.retrieve(paymentRef, {
      expand: ["latest_charge.balance_transaction"],
    });
    const charge = intent.latest_charge;
    const transaction = charge && typeof charge === "object" ? charge.balance_transaction : null;
    return transaction && typeof transaction === "object" ? transaction.fee : 0;
  }

  async balanceTransactions(range: { from: number; to: number }): Promise<BalanceTransaction[]> {
    const found: BalanceTransaction[] = [];
    const list = this.#stripe.balanceTransactions.list({
      created: { gte: Math.floor(range.from / 1000), lt: Math.floor(range.to / 1000) },
      limit: 100,
      expand: ["data.source"],
    });
    for await (const transaction of list) {
      const mapped = toBalanceTransaction(transaction as unknown as Record<string, unknown>);
      if (mapped) found.push(mapped);
    }
    return found;
  }

  verifyWebhook(rawBody: string, headers: Headers) {
    return verifyStripeEvent(rawBody, headers, this.webhookSecret);
  }
}

/** A Stripe balance transaction in the terms our ledger keys things by; others are left out. */
export function toBalanceTransaction(transaction: Record<string, unknown>): BalanceTransaction | null {
  const source = (transaction.source ?? {}) as Record<string, unknown>;
  const sourceId = typeof source === "string" ? source : String(source.id ?? "");
  const base = {
    id: String(transaction.id),
    amount: Number(transaction.amount),
    fee: Number(transaction.fee),
    currency: String(transaction.currency).toUpperCase(),
    createdAt: Number(transaction.created) * 1000,
  };
  const category = String(transaction.reporting_category ?? transaction.type);
  switch (category) {
    case "charge":
    case "payment":
      return { ...base, type: "charge", ref: String(source.payment_intent ?? sourceId) };
    case "refund":
      return { ...base, type: "refund", ref: sourceId };
    case "dispute":
      return { ...base, type: "dispute", ref: sourceId };
    case "dispute_reversal":
      return { ...base, type: "dispute_won", ref: sourceId };
    case "transfer": {
      const payoutId = (source.metadata as Record<string, unknown> | undefined)?.[PAYOUT_METADATA_KEY];
      return typeof payoutId === "string" ? { ...base, type: "payout", ref: payoutId } : null;
    }
    default:
      return null;
  }
}
