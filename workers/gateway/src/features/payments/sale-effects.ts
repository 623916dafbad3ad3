import type { PostingResult } from "@fun/contracts";
import { checkoutSession, commerceSale, purchase } from "@fun/db";
import { createEvent } from "@fun/events";
import { and, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Commerce, commerceRules, ledgerOf, platformFee } from "./commerce-context";
import type { CheckoutRow } from "./payments.repo";
import { findCheckout, findPurchase, findSale } from "./payments.repo";
import type { PaymentChange, PaymentEvent } from "./provider";

/**
 * What applying one event amounts to: D1 writes for the batch that records the event (the ledger
 * postings are already made, idempotent by their keys), and the dependencies it satisfies; or the
 * dependency it must wait for.
 */
export type EffectPlan =
  | { outcome: "applied" | "ignored"; writes: BatchItem<"sqlite">[]; resolves?: string[]; note?: string }
  | { waitOn: string };

export const ignored = (note: string): EffectPlan => ({ outcome: "ignored", writes: [], note });

type Of<K extends PaymentChange["kind"]> = PaymentEvent & Extract<PaymentChange, { kind: K }>;

/** The ledger key of a sale: the provider's payment id, so any event naming the payment finds it. */
export const saleKey = (paymentRef: string) => `sale:${paymentRef}`;

/** A refused posting that may succeed later (the event came early) means: wait for `dependency`. */
export function refusedEarly(result: PostingResult): boolean {
  return (
    "refused" in result &&
    (result.refused === "unknown_sale" ||
      result.refused === "unknown_dispute" ||
      result.refused === "unknown_payout")
  );
}

/**
 * Posts a sale to the creator's ledger with the brand's fees and hold, and returns the
 * `commerce_sale` row that routes later refunds and disputes of the payment to that ledger.
 */
export async function postSale(
  commerce: Commerce,
  sale: {
    checkout: CheckoutRow;
    paymentRef: string;
    gross: number;
    currency: string;
    occurredAt: number;
    purchaseId?: string;
    subscriptionId?: string;
  },
): Promise<{ result: PostingResult; row: typeof commerceSale.$inferInsert }> {
  const rules = commerceRules(commerce.tenants, sale.checkout.tenantId);
  const processorFee = Math.min(sale.gross, await commerce.provider.paymentFee(sale.paymentRef));
  const fee = Math.min(sale.gross - processorFee, platformFee(sale.gross, rules.platformFeeBps));
  const key = saleKey(sale.paymentRef);
  const result = await ledgerOf(commerce.env, sale.checkout.creatorProfileId).recordSale({
    key,
    tenantId: sale.checkout.tenantId,
    source: sale.checkout.kind,
    currency: sale.currency,
    gross: sale.gross,
    platformFee: fee,
    processorFee,
    occurredAt: sale.occurredAt,
    holdDays: rules.holdDays,
    ref: {
      providerRef: sale.paymentRef,
      ...(sale.purchaseId ? { purchaseId: sale.purchaseId } : {}),
      ...(sale.subscriptionId ? { subscriptionId: sale.subscriptionId } : {}),
    },
  });
  return {
    result,
    row: {
      saleKey: key,
      provider: commerce.provider.name,
      paymentRef: sale.paymentRef,
      creatorProfileId: sale.checkout.creatorProfileId,
      tenantId: sale.checkout.tenantId,
      source: sale.checkout.kind,
      grossCents: sale.gross,
      platformFeeCents: fee,
      processorFeeCents: processorFee,
      currency: sale.currency,
      purchaseId: sale.purchaseId ?? null,
      subscriptionId: sale.subscriptionId ?? null,
      occurredAt: sale.occurredAt,
    },
  };
}

/** A PPV purchase or tip paid; or, for a subscription checkout, its provider subscription named. */
export async function checkoutCompleted(
  commerce: Commerce,
  event: Of<"checkout_completed">,
): Promise<EffectPlan> {
  const { db } = commerce;
  const checkout = await findCheckout(db, commerce.provider.name, event);
  if (!checkout) return ignored("not one of our checkouts");
  const now = Date.now();
  const completeCheckout = db
    .update(checkoutSession)
    .set({ status: "completed", providerRef: event.sessionRef || checkout.providerRef, updatedAt: now })
    .where(eq(checkoutSession.id, checkout.id));
  if (checkout.kind === "subscription") {
    // The subscription's state and money come with its own events; this names it for them.
    return {
      outcome: "applied",
      writes: [completeCheckout],
      ...(event.subscriptionRef ? { resolves: [`subscription:${event.subscriptionRef}`] } : {}),
    };
  }
  if (!event.paid || !event.paymentRef || !checkout.purchaseId) return ignored("checkout not paid yet");
  const bought = await findPurchase(db, checkout.purchaseId);
  if (!bought) return ignored("the checkout's purchase is gone");
  const { result, row } = await postSale(commerce, {
    checkout,
    paymentRef: event.paymentRef,
    gross: event.amount || checkout.amountCents,
    currency: event.currency,
    occurredAt: event.occurredAt,
    purchaseId: bought.id,
  });
  if ("refused" in result) return ignored(`ledger refused the sale: ${result.refused}`);
  const tenantSlug = commerceRules(commerce.tenants, checkout.tenantId).slug;
  return {
    outcome: "applied",
    writes: [
      completeCheckout,
      db.insert(commerceSale).values(row).onConflictDoNothing(),
      db
        .update(purchase)
        .set({ status: "succeeded", providerRef: event.paymentRef, updatedAt: now })
        .where(and(eq(purchase.id, bought.id), eq(purchase.status, "pending"))),
      ...(bought.status === "pending"
        ? [
            commerce.outbox.insert(
              createEvent(
                "fun.purchase.completed",
                {
                  purchaseId: bought.id,
                  kind: bought.kind === "tip" ? "tip" : "ppv",
                  fanId: bought.fanProfileId,
                  creatorId: bought.creatorProfileId,
                  contentId: bought.contentId,
                  amountCents: row.grossCents,
                  currency: row.currency,
                  tenantId: tenantSlug,
                },
                { tenantId: checkout.tenantId, subject: bought.id },
              ),
            ),
          ]
        : []),
    ],
    resolves: [saleKey(event.paymentRef)],
  };
}

/** Refunds of a payment: each refund reversed once in the ledger; a purchase fully refunded loses its entitlement. */
export async function refunded(commerce: Commerce, event: Of<"refund">): Promise<EffectPlan> {
  const sale = await findSale(commerce.db, commerce.provider.name, event.paymentRef);
  if (!sale) return { waitOn: saleKey(event.paymentRef) };
  const ledger = ledgerOf(commerce.env, sale.creatorProfileId);
  for (const refund of event.refunds) {
    const result = await ledger.recordRefund({
      key: `refund:${refund.id}`,
      saleKey: sale.saleKey,
      amount: refund.amount,
      occurredAt: event.occurredAt,
      ref: { providerRef: refund.id },
    });
    if (refusedEarly(result)) return { waitOn: sale.saleKey };
    if ("refused" in result) return ignored(`ledger refused refund ${refund.id}: ${result.refused}`);
  }
  return {
    outcome: "applied",
    writes:
      event.fullyRefunded && sale.purchaseId
        ? [
            commerce.db
              .update(purchase)
              .set({ status: "refunded", updatedAt: Date.now() })
              .where(eq(purchase.id, sale.purchaseId)),
          ]
        : [],
  };
}

/** A chargeback opened: the amount and the dispute fee come out of the creator's balance; the purchase is locked. */
export async function disputeOpened(commerce: Commerce, event: Of<"dispute_opened">): Promise<EffectPlan> {
  const sale = await findSale(commerce.db, commerce.provider.name, event.paymentRef);
  if (!sale) return { waitOn: saleKey(event.paymentRef) };
  const result = await ledgerOf(commerce.env, sale.creatorProfileId).recordDispute({
    key: `dispute:${event.disputeRef}`,
    saleKey: sale.saleKey,
    amount: event.amount,
    fee: event.fee,
    occurredAt: event.occurredAt,
    ref: { providerRef: event.disputeRef },
  });
  if (refusedEarly(result)) return { waitOn: sale.saleKey };
  if ("refused" in result) return ignored(`ledger refused the dispute: ${result.refused}`);
  return {
    outcome: "applied",
    writes: sale.purchaseId
      ? [
          commerce.db
            .update(purchase)
            .set({ status: "disputed", updatedAt: Date.now() })
            .where(and(eq(purchase.id, sale.purchaseId), inArray(purchase.status, ["succeeded", "pending"]))),
        ]
      : [],
    resolves: [`dispute:${event.disputeRef}`],
  };
}

/** A chargeback closed: won gives the amount back (not the fee) and reopens the purchase; lost changes nothing more. */
export async function disputeClosed(commerce: Commerce, event: Of<"dispute_closed">): Promise<EffectPlan> {
  const sale = await findSale(commerce.db, commerce.provider.name, event.paymentRef);
  if (!sale) return { waitOn: saleKey(event.paymentRef) };
  const result = await ledgerOf(commerce.env, sale.creatorProfileId).closeDispute({
    key: `dispute_closed:${event.disputeRef}`,
    disputeKey: `dispute:${event.disputeRef}`,
    won: event.won,
    occurredAt: event.occurredAt,
  });
  if (refusedEarly(result)) return { waitOn: `dispute:${event.disputeRef}` };
  if ("refused" in result) return ignored(`ledger refused closing the dispute: ${result.refused}`);
  return {
    outcome: "applied",
    writes:
      event.won && sale.purchaseId
        ? [
            commerce.db
              .update(purchase)
              .set({ status: "succeeded", updatedAt: Date.now() })
              .where(and(eq(purchase.id, sale.purchaseId), eq(purchase.status, "disputed"))),
          ]
        : [],
  };
}
