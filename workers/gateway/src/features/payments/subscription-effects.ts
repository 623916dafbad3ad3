import { commerceSale, subscription } from "@fun/db";
import { createEvent } from "@fun/events";
import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { countRedemption } from "../plans/plans.repo";
import { type Commerce, commerceRules } from "./commerce-context";
import { findSubscription, type SubscriptionRow } from "./payments.repo";
import type { PaymentChange, PaymentEvent, SubscriptionState } from "./provider";
import { type EffectPlan, ignored, postSale, saleKey } from "./sale-effects";

/**
 * A subscription's state from its provider events, whatever order they come in. Our row exists from
 * the checkout on (status `incomplete`), and every event names that checkout in its metadata, so an
 * `invoice.paid` before `customer.subscription.created` finds the row all the same. Rules:
 * - the period end only moves forward (a late event never shortens it);
 * - a state event older than the last one applied (`provider_state_at`) does not change the status;
 * - `canceled` and `expired` are final: nothing late brings a subscription back.
 */

type Of<K extends PaymentChange["kind"]> = PaymentEvent & Extract<PaymentChange, { kind: K }>;

const FINAL: SubscriptionState[] = ["canceled", "expired"];
const isFinal = (status: SubscriptionState) => FINAL.includes(status);

const laterEnd = (current: number | null, next: number | null) =>
  current === null ? next : next === null ? current : Math.max(current, next);

function lifecycleEvent(
  commerce: Commerce,
  type: "fun.subscription.started" | "fun.subscription.renewed" | "fun.subscription.cancelled",
  row: SubscriptionRow,
  creatorProfileId: string,
  periodEnd: number | null,
) {
  const base = {
    subscriptionId: row.id,
    planId: row.planId,
    fanId: row.fanProfileId,
    creatorId: creatorProfileId,
    tenantId: commerceRules(commerce.tenants, row.tenantId).slug,
  };
  const options = { tenantId: row.tenantId, subject: row.id };
  const currentPeriodEnd = periodEnd === null ? null : new Date(periodEnd).toISOString();
  return commerce.outbox.insert(
    type === "fun.subscription.cancelled"
      ? createEvent(type, base, options)
      : createEvent(type, { ...base, currentPeriodEnd }, options),
  );
}

/** The writes that take a subscription from `row` to `next`, with the lifecycle event the change means. */
function transition(
  commerce: Commerce,
  found: { row: SubscriptionRow; creatorProfileId: string },
  next: { status: SubscriptionState; periodEnd: number | null; subscriptionRef: string; extra?: object },
): BatchItem<"sqlite">[] {
  const { row } = found;
  const status = isFinal(row.status) ? row.status : next.status;
  const periodEnd = laterEnd(row.currentPeriodEnd, next.periodEnd);
  const writes: BatchItem<"sqlite">[] = [
    commerce.db
      .update(subscription)
      .set({
        status,
        currentPeriodEnd: periodEnd,
        provider: commerce.provider.name,
        providerRef: row.providerRef ?? next.subscriptionRef,
        updatedAt: Date.now(),
        ...next.extra,
      })
      .where(eq(subscription.id, row.id)),
  ];
  if (status === "active" && row.status === "incomplete") {
    writes.push(lifecycleEvent(commerce, "fun.subscription.started", row, found.creatorProfileId, periodEnd));
  } else if (
    status === "active" &&
    row.currentPeriodEnd !== null &&
    periodEnd !== null &&
    periodEnd > row.currentPeriodEnd
  ) {
    writes.push(lifecycleEvent(commerce, "fun.subscription.renewed", row, found.creatorProfileId, periodEnd));
  } else if (isFinal(status) && !isFinal(row.status)) {
    writes.push(
      lifecycleEvent(commerce, "fun.subscription.cancelled", row, found.creatorProfileId, periodEnd),
    );
  }
  return writes;
}

/** A period was paid: the money goes to the plan's creator, the subscription is active until the period's end. */
export async function invoicePaid(commerce: Commerce, event: Of<"invoice_paid">): Promise<EffectPlan> {
  const found = await findSubscription(commerce.db, commerce.provider.name, event);
  if (!found) {
    return event.checkoutId
      ? ignored("not one of our subscriptions")
      : { waitOn: `subscription:${event.subscriptionRef}` };
  }
  const writes: BatchItem<"sqlite">[] = [];
  const resolves: string[] = [];
  if (event.amount > 0) {
    const { result, row } = await postSale(commerce, {
      checkout: found.checkout,
      paymentRef: event.paymentRef,
      gross: event.amount,
      currency: event.currency,
      occurredAt: event.occurredAt,
      subscriptionId: found.row.id,
    });
    if ("refused" in result) return ignored(`ledger refused the sale: ${result.refused}`);
    // A promotion is redeemed when the subscription is first paid, not when its checkout opened.
    if (found.checkout.promoCodeId)
      writes.push(countRedemption(commerce.db, found.checkout.promoCodeId, found.row.id));
    writes.push(commerce.db.insert(commerceSale).values(row).onConflictDoNothing());
    resolves.push(saleKey(event.paymentRef));
  }
  writes.push(
    ...transition(commerce, found, {
      status: "active",
      periodEnd: event.periodEnd,
      subscriptionRef: event.subscriptionRef,
    }),
  );
  return { outcome: "applied", writes, resolves };
}

/** A renewal failed: the fan loses access until the provider's retry succeeds (then `invoice.paid`). */
export async function invoiceFailed(commerce: Commerce, event: Of<"invoice_failed">): Promise<EffectPlan> {
  const found = await findSubscription(commerce.db, commerce.provider.name, event);
  if (!found) {
    return event.checkoutId
      ? ignored("not one of our subscriptions")
      : { waitOn: `subscription:${event.subscriptionRef}` };
  }
  if (found.row.status !== "active") return ignored(`subscription is ${found.row.status}`);
  return {
    outcome: "applied",
    writes: transition(commerce, found, {
      status: "past_due",
      periodEnd: null,
      subscriptionRef: event.subscriptionRef,
    }),
  };
}

/** `customer.subscription.created / updated / deleted`: the provider's view of the subscription. */
export async function subscriptionChanged(
  commerce: Commerce,
  event: Of<"subscription_state">,
): Promise<EffectPlan> {
  const found = await findSubscription(commerce.db, commerce.provider.name, event);
  if (!found) {
    return event.checkoutId
      ? ignored("not one of our subscriptions")
      : { waitOn: `subscription:${event.subscriptionRef}` };
  }
  const stale = found.row.providerStateAt !== null && event.occurredAt < found.row.providerStateAt;
  // An older state than one already applied only contributes its period end; a deletion always counts.
  // Nor does `incomplete` (how a subscription is created, before its first payment) undo a payment seen first.
  const status =
    (stale && event.status !== "canceled") ||
    (event.status === "incomplete" && found.row.status !== "incomplete")
      ? found.row.status
      : event.status;
  return {
    outcome: "applied",
    writes: transition(commerce, found, {
      status,
      periodEnd: event.periodEnd,
      subscriptionRef: event.subscriptionRef,
      extra: stale ? {} : { cancelAtPeriodEnd: event.cancelAtPeriodEnd, providerStateAt: event.occurredAt },
    }),
    resolves: [`subscription:${event.subscriptionRef}`],
  };
}
