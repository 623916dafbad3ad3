import { err, ok, type Result } from "@fun/core";
import { Stripe } from "stripe";
import {
  CHECKOUT_METADATA_KEY,
  PAYOUT_METADATA_KEY,
  type PaymentChange,
  type PaymentEvent,
  type SubscriptionState,
} from "./provider";

/**
 * Stripe's webhook format, shared by the Stripe adapter and the local sandbox (which sends the same
 * events, signed the same way), so both run through this one verification and mapping.
 *
 * Objects are read loosely: fields moved between Stripe API versions (an invoice's subscription and
 * payment, a subscription's period end) are looked for where each version puts them.
 */

/** Stripe's own tolerance for the signature's timestamp, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const crypto = Stripe.createSubtleCryptoProvider();

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => (value && typeof value === "object" ? (value as Obj) : {});
const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
/** An id, whether the field holds it or the expanded object. */
const ref = (value: unknown): string | null => str(value) ?? str(obj(value).id);
const seconds = (value: unknown): number | null => (typeof value === "number" ? value * 1000 : null);
const metadataOf = (value: unknown, key: string): string | null => str(obj(obj(value).metadata)[key]);

/** Verifies `Stripe-Signature` over the raw body (HMAC-SHA256, timestamp within the tolerance). */
export async function verifyStripeEvent(
  rawBody: string,
  headers: Headers,
  secret: string,
): Promise<Result<PaymentEvent, string>> {
  const signature = headers.get("stripe-signature");
  if (!signature) return err("no Stripe-Signature header");
  let event: Obj;
  try {
    event = (await Stripe.webhooks.constructEventAsync(
      rawBody,
      signature,
      secret,
      SIGNATURE_TOLERANCE_SECONDS,
      crypto,
    )) as unknown as Obj;
  } catch (error) {
    return err(error instanceof Error ? error.message : "signature verification failed");
  }
  const id = str(event.id);
  const type = str(event.type);
  if (!id || !type) return err("the event has no id or type");
  return ok({
    id,
    type,
    occurredAt: (seconds(event.created) ?? Date.now()) as number,
    ...mapStripeEvent(event),
  });
}

function subscriptionStatus(status: unknown): SubscriptionState {
  switch (status) {
    case "active":
    case "trialing":
      return "active";
    case "past_due":
    case "unpaid":
    case "paused":
      return "past_due";
    case "canceled":
      return "canceled";
    case "incomplete_expired":
      return "expired";
    default:
      return "incomplete";
  }
}

/** A subscription's period end: on the object before API 2025-03-31, on its items since. */
function subscriptionPeriodEnd(subscription: Obj): number | null {
  const direct = seconds(subscription.current_period_end);
  if (direct !== null) return direct;
  const items = (obj(subscription.items).data as unknown[] | undefined) ?? [];
  const ends = items.map((item) => seconds(obj(item).current_period_end)).filter((end) => end !== null);
  return ends.length ? Math.max(...ends) : null;
}

/** Where an invoice names its subscription and that subscription's metadata, by API version. */
function invoiceSubscription(invoice: Obj): { subscriptionRef: string | null; checkoutId: string | null } {
  const details = obj(obj(invoice.parent).subscription_details);
  const legacyDetails = obj(invoice.subscription_details);
  const lines = (obj(invoice.lines).data as unknown[] | undefined) ?? [];
  const fromLines = lines.map((line) => metadataOf(line, CHECKOUT_METADATA_KEY)).find((id) => id) ?? null;
  return {
    subscriptionRef: ref(details.subscription) ?? ref(invoice.subscription),
    checkoutId:
      metadataOf(details, CHECKOUT_METADATA_KEY) ??
      metadataOf(legacyDetails, CHECKOUT_METADATA_KEY) ??
      fromLines,
  };
}

/** The payment intent that paid an invoice: a field before API 2025-03-31, its payments list since. */
function invoicePayment(invoice: Obj): string | null {
  const legacy = ref(invoice.payment_intent);
  if (legacy) return legacy;
  const payments = (obj(invoice.payments).data as unknown[] | undefined) ?? [];
  for (const payment of payments) {
    const intent = ref(obj(obj(payment).payment).payment_intent);
    if (intent) return intent;
  }
  return null;
}

function invoicePeriodEnd(invoice: Obj): number | null {
  const lines = (obj(invoice.lines).data as unknown[] | undefined) ?? [];
  const ends = lines.map((line) => seconds(obj(obj(line).period).end)).filter((end) => end !== null);
  return ends.length ? Math.max(...ends) : seconds(invoice.period_end);
}

/** KYC as our payout accounts record it, from a connected account's capabilities and requirements. */
function kycStatus(account: Obj): "pending" | "verified" | "rejected" | "restricted" {
  const disabled = str(obj(account.requirements).disabled_reason);
  if (disabled?.startsWith("rejected")) return "rejected";
  if (account.payouts_enabled === true && account.charges_enabled !== false && !disabled) return "verified";
  if (disabled && disabled !== "requirements.pending_verification") return "restricted";
  return "pending";
}

/** The commerce meaning of one Stripe event; anything we do not act on is `ignored`. */
export function mapStripeEvent(event: Obj): PaymentChange {
  const object = obj(obj(event.data).object);
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const mode = object.mode === "subscription" ? "subscription" : "payment";
      return {
        kind: "checkout_completed",
        checkoutId: metadataOf(object, CHECKOUT_METADATA_KEY) ?? str(object.client_reference_id),
        sessionRef: ref(object.id) ?? "",
        mode,
        paid: object.payment_status === "paid" || object.payment_status === "no_payment_required",
        paymentRef: ref(object.payment_intent),
        subscriptionRef: ref(object.subscription),
        amount: num(object.amount_total),
        currency: (str(object.currency) ?? "usd").toUpperCase(),
      };
    }
    case "invoice.paid": {
      const { subscriptionRef, checkoutId } = invoiceSubscription(object);
      if (!subscriptionRef) return { kind: "ignored" };
      return {
        kind: "invoice_paid",
        checkoutId,
        subscriptionRef,
        paymentRef: invoicePayment(object) ?? ref(object.id) ?? "",
        amount: num(object.amount_paid),
        currency: (str(object.currency) ?? "usd").toUpperCase(),
        periodEnd: invoicePeriodEnd(object),
      };
    }
    case "invoice.payment_failed": {
      const { subscriptionRef, checkoutId } = invoiceSubscription(object);
      return subscriptionRef ? { kind: "invoice_failed", checkoutId, subscriptionRef } : { kind: "ignored" };
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      return {
        kind: "subscription_state",
        checkoutId: metadataOf(object, CHECKOUT_METADATA_KEY),
        subscriptionRef: ref(object.id) ?? "",
        status:
          event.type === "customer.subscription.deleted" ? "canceled" : subscriptionStatus(object.status),
        periodEnd: subscriptionPeriodEnd(object),
        cancelAtPeriodEnd: object.cancel_at_period_end === true,
      };
    case "charge.refunded": {
      const paymentRef = ref(object.payment_intent) ?? ref(object.id);
      if (!paymentRef) return { kind: "ignored" };
      const refunds = ((obj(object.refunds).data as unknown[] | undefined) ?? [])
        .map(obj)
        .filter((refund) => refund.status !== "failed" && refund.status !== "canceled")
        .map((refund) => ({ id: ref(refund.id) ?? "", amount: num(refund.amount) }))
        .filter((refund) => refund.id && refund.amount > 0);
      return {
        kind: "refund",
        paymentRef,
        refunds,
        fullyRefunded: object.refunded === true || num(object.amount_refunded) >= num(object.amount),
      };
    }
    case "charge.dispute.created": {
      const paymentRef = ref(object.payment_intent) ?? ref(object.charge);
      if (!paymentRef) return { kind: "ignored" };
      // The withdrawal's balance transaction carries the dispute fee (Stripe's is 15 USD).
      const transactions = ((object.balance_transactions as unknown[] | undefined) ?? []).map(obj);
      return {
        kind: "dispute_opened",
        disputeRef: ref(object.id) ?? "",
        paymentRef,
        amount: num(object.amount),
        fee: transactions.reduce((sum, transaction) => sum + num(transaction.fee), 0),
      };
    }
    case "charge.dispute.closed": {
      const paymentRef = ref(object.payment_intent) ?? ref(object.charge);
      if (!paymentRef) return { kind: "ignored" };
      return {
        kind: "dispute_closed",
        disputeRef: ref(object.id) ?? "",
        paymentRef,
        won: object.status === "won",
      };
    }
    case "payout.paid":
    case "payout.failed":
      return {
        kind: "payout_settled",
        payoutRef: ref(object.id) ?? "",
        payoutId: metadataOf(object, PAYOUT_METADATA_KEY),
        paid: event.type === "payout.paid",
        failureReason: str(object.failure_message) ?? str(object.failure_code),
      };
    case "account.updated": {
      const external = (obj(object.external_accounts).data as unknown[] | undefined) ?? [];
      return {
        kind: "account_updated",
        accountRef: ref(object.id) ?? "",
        kycStatus: kycStatus(object),
        payoutsEnabled: object.payouts_enabled === true,
        last4: str(obj(external[0]).last4),
      };
    }
    default:
      return { kind: "ignored" };
  }
}
