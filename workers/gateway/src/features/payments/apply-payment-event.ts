import type { Commerce } from "./commerce-context";
import {
  deferEvent,
  deferredBefore,
  deferredWaitingOn,
  forgetDeferred,
  markApplied,
  wasApplied,
} from "./payments.repo";
import { accountUpdated, payoutSettled } from "./payout-effects";
import type { PaymentEvent } from "./provider";
import {
  checkoutCompleted,
  disputeClosed,
  disputeOpened,
  type EffectPlan,
  ignored,
  refunded,
} from "./sale-effects";
import { invoiceFailed, invoicePaid, subscriptionChanged } from "./subscription-effects";

/**
 * Applies provider events exactly once, in any order.
 *
 * 1. An event id already in `payment_event` is a duplicate: nothing happens.
 * 2. Ledger postings come first; each is idempotent by a key built from the provider's ids, so a
 *    retry after a crash re-posts nothing.
 * 3. The D1 effect is one `db.batch` whose first statement inserts the event's `payment_event` row:
 *    a concurrent second delivery fails on that primary key and its whole batch rolls back.
 * 4. An event that needs something not there yet (a refund before its payment, a dispute closing
 *    before it opened, an invoice naming a subscription we cannot place) is stored in
 *    `payment_event_deferred` and answered 200: the provider need not retry, and the event is applied
 *    as soon as the event it waits on is applied (and, failing that, by the minute cron sweep).
 */

export type ApplyOutcome = "applied" | "ignored" | "duplicate" | "deferred";

/** How many deferred events one applied event may set off in a row (a refund after a payment, …). */
const MAX_CHAIN = 20;

function planFor(commerce: Commerce, event: PaymentEvent): Promise<EffectPlan> {
  switch (event.kind) {
    case "checkout_completed":
      return checkoutCompleted(commerce, event);
    case "invoice_paid":
      return invoicePaid(commerce, event);
    case "invoice_failed":
      return invoiceFailed(commerce, event);
    case "subscription_state":
      return subscriptionChanged(commerce, event);
    case "refund":
      return refunded(commerce, event);
    case "dispute_opened":
      return disputeOpened(commerce, event);
    case "dispute_closed":
      return disputeClosed(commerce, event);
    case "payout_settled":
      return payoutSettled(commerce, event);
    case "account_updated":
      return accountUpdated(commerce, event);
    case "ignored":
      return Promise.resolve(ignored(`${event.type} is not handled`));
  }
}

function isUniqueViolation(error: unknown): boolean {
  const message = String((error as { message?: unknown })?.message ?? error);
  const cause = String((error as { cause?: { message?: unknown } })?.cause?.message ?? "");
  return /UNIQUE constraint failed: payment_event|PRIMARY KEY/i.test(`${message} ${cause}`);
}

function log(commerce: Commerce, event: PaymentEvent, outcome: ApplyOutcome, note?: string) {
  console.log(
    JSON.stringify({
      level: outcome === "ignored" && note?.startsWith("ledger refused") ? "error" : "info",
      service: "gateway",
      message: "payment event",
      provider: commerce.provider.name,
      eventId: event.id,
      type: event.type,
      outcome,
      ...(note ? { note } : {}),
    }),
  );
}

async function applyOnce(
  commerce: Commerce,
  event: PaymentEvent,
): Promise<{ outcome: ApplyOutcome; resolves: string[] }> {
  const provider = commerce.provider.name;
  if (await wasApplied(commerce.db, provider, event.id)) return { outcome: "duplicate", resolves: [] };
  const plan = await planFor(commerce, event);
  if ("waitOn" in plan) {
    await deferEvent(commerce.db, {
      provider,
      eventId: event.id,
      waitingOn: plan.waitOn,
      payload: JSON.stringify(event),
    });
    log(commerce, event, "deferred", `waiting on ${plan.waitOn}`);
    return { outcome: "deferred", resolves: [] };
  }
  try {
    await commerce.db.batch([
      markApplied(commerce.db, {
        provider,
        eventId: event.id,
        type: event.type,
        outcome: plan.outcome,
        createdAt: event.occurredAt,
      }),
      ...plan.writes,
      forgetDeferred(commerce.db, provider, event.id),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) return { outcome: "duplicate", resolves: [] };
    throw error;
  }
  log(commerce, event, plan.outcome, plan.note);
  return { outcome: plan.outcome, resolves: plan.resolves ?? [] };
}

/** Applies one verified event, then any deferred events it was the missing piece for. */
export async function applyPaymentEvent(commerce: Commerce, event: PaymentEvent): Promise<ApplyOutcome> {
  const first = await applyOnce(commerce, event);
  const pending = [...first.resolves];
  for (let applied = 0; pending.length > 0 && applied < MAX_CHAIN; ) {
    const key = pending.shift() as string;
    for (const waiting of await deferredWaitingOn(commerce.db, commerce.provider.name, key)) {
      const next = await applyOnce(commerce, JSON.parse(waiting.payload) as PaymentEvent);
      pending.push(...next.resolves);
      applied++;
    }
  }
  return first.outcome;
}

/** The cron sweep: deferred events older than a minute are tried again (their dependency may have come by another path). */
export async function retryDeferredPaymentEvents(commerce: Commerce, now = Date.now()): Promise<number> {
  const due = await deferredBefore(commerce.db, commerce.provider.name, now - 60_000, 50);
  let applied = 0;
  for (const waiting of due) {
    const outcome = await applyPaymentEvent(commerce, JSON.parse(waiting.payload) as PaymentEvent);
    if (outcome === "applied" || outcome === "ignored") applied++;
  }
  return applied;
}
