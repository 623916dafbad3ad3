import { Stripe } from "stripe";
import { CHECKOUT_METADATA_KEY, PAYOUT_METADATA_KEY } from "./provider";
import { type SandboxSession, type SandboxStore, sandboxFee } from "./sandbox-provider";

/**
 * What the sandbox's buttons do: change the sandbox's records as the provider would, and send the
 * events the provider would send, in Stripe's event format and signed with STRIPE_WEBHOOK_SECRET, to
 * our own `POST /v1/webhooks/payments` through the whole request pipeline (`deliver`).
 */

export type Deliver = (request: Request) => Promise<Response>;

const DAY = 24 * 60 * 60 * 1000;
const unix = (ms: number) => Math.floor(ms / 1000);
const cryptoProvider = Stripe.createSubtleCryptoProvider();

export class SandboxActions {
  constructor(
    private readonly store: SandboxStore,
    private readonly secret: string,
    private readonly deliver: Deliver,
    /** The brand origin whose webhook route receives the events. */
    private readonly origin: string,
  ) {}

  /** Sends one Stripe-format event, signed; answers the webhook's HTTP status. */
  async send(type: string, object: Record<string, unknown>): Promise<number> {
    const payload = JSON.stringify({
      id: this.store.newId("event"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: unix(Date.now()),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    });
    const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: this.secret,
      cryptoProvider,
    });
    const response = await this.deliver(
      new Request(`${this.origin}/v1/webhooks/payments`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body: payload,
      }),
    );
    return response.status;
  }

  async #charge(session: SandboxSession, amount: number) {
    const paymentRef = this.store.newId("payment");
    const fee = sandboxFee(amount);
    await this.store.put("payment", paymentRef, {
      checkoutId: session.checkoutId,
      amount,
      currency: session.currency,
      fee,
      refunded: 0,
      disputeRef: null,
    });
    await this.store.transaction({
      type: "charge",
      ref: paymentRef,
      amount,
      fee,
      currency: session.currency,
    });
    return paymentRef;
  }

  #invoice(
    subscriptionRef: string,
    session: SandboxSession,
    paymentRef: string | null,
    amount: number,
    end: number,
  ) {
    const metadata = { [CHECKOUT_METADATA_KEY]: session.checkoutId };
    return {
      id: this.store.newId("invoice"),
      object: "invoice",
      amount_paid: amount,
      currency: session.currency.toLowerCase(),
      status: "paid",
      parent: {
        type: "subscription_details",
        subscription_details: { subscription: subscriptionRef, metadata },
      },
      payments: {
        data: paymentRef ? [{ payment: { type: "payment_intent", payment_intent: paymentRef } }] : [],
      },
      lines: { data: [{ amount, metadata, period: { start: unix(Date.now()), end: unix(end) } }] },
    };
  }

  #subscriptionObject(subscriptionRef: string, session: SandboxSession, status: string, end: number) {
    return {
      id: subscriptionRef,
      object: "subscription",
      status,
      cancel_at_period_end: false,
      metadata: { [CHECKOUT_METADATA_KEY]: session.checkoutId },
      items: { data: [{ current_period_end: unix(end) }] },
    };
  }

  /** The fan pays: for a PPV post or a tip one payment; for a plan a subscription and its first invoice. */
  async pay(sessionRef: string): Promise<number[]> {
    const session = await this.store.get("session", sessionRef);
    if (session?.status !== "open") return [];
    const statuses: number[] = [];
    const metadata = { [CHECKOUT_METADATA_KEY]: session.checkoutId };
    if (session.kind !== "subscription") {
      const paymentRef = await this.#charge(session, session.amount);
      await this.store.put("session", sessionRef, { ...session, status: "paid", paymentRef });
      statuses.push(
        await this.send("checkout.session.completed", {
          id: sessionRef,
          object: "checkout.session",
          mode: "payment",
          status: "complete",
          payment_status: "paid",
          payment_intent: paymentRef,
          client_reference_id: session.checkoutId,
          metadata,
          amount_total: session.amount,
          currency: session.currency.toLowerCase(),
        }),
      );
      return statuses;
    }
    const subscriptionRef = this.store.newId("subscription");
    const trial = (session.trialDays ?? 0) > 0;
    const months = session.intervalMonths ?? 1;
    const end = Date.now() + (trial ? (session.trialDays ?? 0) * DAY : months * 30 * DAY);
    const paymentRef = trial ? null : await this.#charge(session, session.amount);
    await this.store.put("subscription", subscriptionRef, {
      checkoutId: session.checkoutId,
      sessionRef,
      // Renewals cost the full price when a promotion lowered only the first period.
      amount: session.renewalAmount ?? session.amount,
      currency: session.currency,
      intervalMonths: months,
      periodEnd: end,
      status: trial ? "trialing" : "active",
    });
    await this.store.put("session", sessionRef, { ...session, status: "paid", paymentRef, subscriptionRef });
    statuses.push(
      await this.send(
        "customer.subscription.created",
        this.#subscriptionObject(subscriptionRef, session, trial ? "trialing" : "active", end),
      ),
      await this.send(
        "invoice.paid",
        this.#invoice(subscriptionRef, session, paymentRef, trial ? 0 : session.amount, end),
      ),
      await this.send("checkout.session.completed", {
        id: sessionRef,
        object: "checkout.session",
        mode: "subscription",
        status: "complete",
        payment_status: trial ? "no_payment_required" : "paid",
        subscription: subscriptionRef,
        client_reference_id: session.checkoutId,
        metadata,
        amount_total: trial ? 0 : session.amount,
        currency: session.currency.toLowerCase(),
      }),
    );
    return statuses;
  }

  /** The next period of a subscription is charged. */
  async renew(subscriptionRef: string): Promise<number[]> {
    const current = await this.store.get("subscription", subscriptionRef);
    const session = current && (await this.store.get("session", current.sessionRef));
    if (!current || !session || current.status === "canceled") return [];
    const end = Math.max(current.periodEnd, Date.now()) + current.intervalMonths * 30 * DAY;
    const paymentRef = await this.#charge(session, current.amount);
    await this.store.put("subscription", subscriptionRef, { ...current, periodEnd: end, status: "active" });
    return [
      await this.send(
        "invoice.paid",
        this.#invoice(subscriptionRef, session, paymentRef, current.amount, end),
      ),
      await this.send(
        "customer.subscription.updated",
        this.#subscriptionObject(subscriptionRef, session, "active", end),
      ),
    ];
  }

  async cancel(subscriptionRef: string): Promise<number[]> {
    const current = await this.store.get("subscription", subscriptionRef);
    const session = current && (await this.store.get("session", current.sessionRef));
    if (!current || !session || current.status === "canceled") return [];
    await this.store.put("subscription", subscriptionRef, { ...current, status: "canceled" });
    return [
      await this.send(
        "customer.subscription.deleted",
        this.#subscriptionObject(subscriptionRef, session, "canceled", current.periodEnd),
      ),
    ];
  }

  /** Refunds what is left of a payment (or `amount` of it). */
  async refund(paymentRef: string, amount?: number): Promise<number[]> {
    const payment = await this.store.get("payment", paymentRef);
    if (!payment) return [];
    const left = payment.amount - payment.refunded;
    const refundAmount = Math.min(left, amount ?? left);
    if (refundAmount <= 0) return [];
    const refundRef = this.store.newId("refund");
    const refunded = payment.refunded + refundAmount;
    await this.store.put("payment", paymentRef, { ...payment, refunded });
    await this.store.transaction({
      type: "refund",
      ref: refundRef,
      amount: -refundAmount,
      fee: 0,
      currency: payment.currency,
    });
    return [
      await this.send("charge.refunded", {
        id: `ch_${paymentRef.slice(3)}`,
        object: "charge",
        amount: payment.amount,
        amount_refunded: refunded,
        currency: payment.currency.toLowerCase(),
        payment_intent: paymentRef,
        refunded: refunded >= payment.amount,
        refunds: {
          object: "list",
          data: [{ id: refundRef, object: "refund", amount: refundAmount, status: "succeeded" }],
        },
      }),
    ];
  }

  /** The fan's bank disputes the payment; Stripe's 15.00 dispute fee is charged. */
  async dispute(paymentRef: string): Promise<number[]> {
    const payment = await this.store.get("payment", paymentRef);
    if (!payment || payment.disputeRef) return [];
    const disputeRef = this.store.newId("dispute");
    const amount = payment.amount - payment.refunded;
    await this.store.put("payment", paymentRef, { ...payment, disputeRef });
    await this.store.transaction({
      type: "dispute",
      ref: disputeRef,
      amount: -amount,
      fee: 1500,
      currency: payment.currency,
    });
    return [
      await this.send(
        "charge.dispute.created",
        this.#disputeObject(disputeRef, paymentRef, amount, "needs_response"),
      ),
    ];
  }

  async closeDispute(paymentRef: string, won: boolean): Promise<number[]> {
    const payment = await this.store.get("payment", paymentRef);
    if (!payment?.disputeRef) return [];
    const amount = payment.amount - payment.refunded;
    if (won) {
      await this.store.transaction({
        type: "dispute_won",
        ref: payment.disputeRef,
        amount,
        fee: 0,
        currency: payment.currency,
      });
    }
    return [
      await this.send(
        "charge.dispute.closed",
        this.#disputeObject(payment.disputeRef, paymentRef, amount, won ? "won" : "lost"),
      ),
    ];
  }

  #disputeObject(disputeRef: string, paymentRef: string, amount: number, status: string) {
    return {
      id: disputeRef,
      object: "dispute",
      amount,
      currency: "usd",
      charge: `ch_${paymentRef.slice(3)}`,
      payment_intent: paymentRef,
      status,
      balance_transactions: [{ object: "balance_transaction", amount: -amount, fee: 1500 }],
    };
  }

  /** The creator finishes the provider's onboarding (identity and bank account checked). */
  async completeOnboarding(accountRef: string): Promise<number[]> {
    const account = await this.store.get("account", accountRef);
    if (!account) return [];
    await this.store.put("account", accountRef, { ...account, onboarded: true });
    return [
      await this.send("account.updated", {
        id: accountRef,
        object: "account",
        charges_enabled: true,
        payouts_enabled: true,
        country: account.country,
        requirements: { currently_due: [], disabled_reason: null },
        external_accounts: { data: [{ object: "bank_account", last4: "6789" }] },
      }),
    ];
  }

  /** The bank accepts (`paid`) or returns (`failed`) a payout. */
  async settlePayout(payoutRef: string, paid: boolean): Promise<number[]> {
    const payout = await this.store.get("payout", payoutRef);
    if (payout?.status !== "in_transit") return [];
    await this.store.put("payout", payoutRef, { ...payout, status: paid ? "paid" : "failed" });
    if (!paid) {
      // The money comes back to the platform's balance, as the transfer's reversal would bring it.
      await this.store.transaction({
        type: "payout",
        ref: payout.payoutId,
        amount: payout.amount,
        fee: 0,
        currency: payout.currency,
      });
    }
    return [
      await this.send(paid ? "payout.paid" : "payout.failed", {
        id: payoutRef,
        object: "payout",
        amount: payout.amount,
        currency: payout.currency.toLowerCase(),
        status: paid ? "paid" : "failed",
        metadata: { [PAYOUT_METADATA_KEY]: payout.payoutId },
        ...(paid
          ? {}
          : { failure_code: "account_closed", failure_message: "The bank account has been closed." }),
      }),
    ];
  }
}
