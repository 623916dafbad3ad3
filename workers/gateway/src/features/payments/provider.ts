import type { Result } from "@fun/core";

/**
 * What commerce needs from a payment provider. Stripe is one adapter (stripe-provider.ts), the local
 * sandbox another (sandbox-provider.ts); a processor that accepts adult content is one more adapter
 * implementing this interface, with nothing else changing: webhooks are turned into the
 * provider-neutral `PaymentEvent`s below before commerce or the ledger sees them.
 *
 * Card data never reaches us: checkouts and onboarding happen on the provider's pages.
 * Every call that creates something takes our own operation id as its idempotency key.
 */
export interface PaymentProvider {
  /** The name stored with rows it created (`purchase.provider`, `payment_event.provider`). */
  readonly name: string;

  createCheckout(input: CheckoutInput): Promise<{ sessionRef: string; url: string }>;
  /** Refunds a payment in full or in part; the money moves when the refund webhook arrives. */
  refundPayment(input: { paymentRef: string; amount?: number; idempotencyKey: string }): Promise<void>;
  /** A connected account for a creator and the provider's onboarding link (KYC happens there). */
  createPayoutAccount(input: {
    profileId: string;
    country: string;
    email?: string;
    existingAccountRef?: string;
    returnUrl: string;
    idempotencyKey: string;
  }): Promise<{ accountRef: string; onboardingUrl: string }>;
  /** Sends money to a creator's account; settled or failed later by the payout webhook. */
  createPayout(input: {
    payoutId: string;
    accountRef: string;
    amount: number;
    currency: string;
  }): Promise<{ payoutRef: string }>;
  /** What the processor charged for a payment, in the payment's currency (minor units). */
  paymentFee(paymentRef: string): Promise<number>;
  /** The provider's balance transactions created in `[from, to)`, for reconciliation. */
  balanceTransactions(range: { from: number; to: number }): Promise<BalanceTransaction[]>;
  /** Checks a webhook's signature on the raw body and maps it; a bad or stale signature is an error. */
  verifyWebhook(rawBody: string, headers: Headers): Promise<Result<PaymentEvent, string>>;
}

export type CheckoutKind = "subscription" | "ppv" | "tip";

export interface CheckoutInput {
  /** Our checkout id: the idempotency key, and the metadata every later event carries back. */
  checkoutId: string;
  kind: CheckoutKind;
  /** What the fan pays now (per billing period for a subscription), minor units. */
  amount: number;
  /**
   * A subscription whose promotion lowers only its first period: what every later period costs
   * (`amount` is then the first period's price). Absent, every period costs `amount`.
   */
  renewalAmount?: number;
  currency: string;
  description: string;
  /** Billing period of a subscription, in months (1, 3, 6 or 12). */
  intervalMonths?: number;
  trialDays?: number;
  successUrl: string;
  cancelUrl: string;
  /** The brand host the checkout starts from (the sandbox serves its page there). */
  origin: string;
}

export interface BalanceTransaction {
  id: string;
  /** `charge` (a sale), `refund`, `dispute`, `dispute_won` or `payout`. */
  type: "charge" | "refund" | "dispute" | "dispute_won" | "payout";
  /** The id our ledger keys the movement by: payment, refund, dispute or our payout id. */
  ref: string;
  /** Positive into the platform's balance, negative out of it. */
  amount: number;
  fee: number;
  currency: string;
  createdAt: number;
}

/** One provider webhook event, in commerce's terms. */
export type PaymentEvent = {
  /** The provider's event id: each is applied once. */
  id: string;
  /** The provider's own type, for logs. */
  type: string;
  /** When the provider created the event, epoch ms. */
  occurredAt: number;
} & PaymentChange;

export type SubscriptionState = "incomplete" | "active" | "past_due" | "canceled" | "expired";

export type PaymentChange =
  | {
      kind: "checkout_completed";
      checkoutId: string | null;
      sessionRef: string;
      mode: "payment" | "subscription";
      paid: boolean;
      paymentRef: string | null;
      subscriptionRef: string | null;
      amount: number;
      currency: string;
    }
  | {
      kind: "invoice_paid";
      checkoutId: string | null;
      subscriptionRef: string;
      /** The payment it was paid with (the sale's key), or the invoice itself when nothing was charged. */
      paymentRef: string;
      amount: number;
      currency: string;
      periodEnd: number | null;
    }
  | { kind: "invoice_failed"; checkoutId: string | null; subscriptionRef: string }
  | {
      kind: "subscription_state";
      checkoutId: string | null;
      subscriptionRef: string;
      status: SubscriptionState;
      periodEnd: number | null;
      cancelAtPeriodEnd: boolean;
    }
  | {
      kind: "refund";
      paymentRef: string;
      refunds: { id: string; amount: number }[];
      /** Whether nothing of the payment is left. */
      fullyRefunded: boolean;
    }
  | { kind: "dispute_opened"; disputeRef: string; paymentRef: string; amount: number; fee: number }
  | { kind: "dispute_closed"; disputeRef: string; paymentRef: string; won: boolean }
  | {
      kind: "payout_settled";
      payoutRef: string;
      /** Our payout id from the payout's metadata. */
      payoutId: string | null;
      paid: boolean;
      failureReason: string | null;
    }
  | {
      kind: "account_updated";
      accountRef: string;
      kycStatus: "pending" | "verified" | "rejected" | "restricted";
      payoutsEnabled: boolean;
      last4: string | null;
    }
  | { kind: "ignored" };

/** The metadata key under which every provider object we create carries our checkout id. */
export const CHECKOUT_METADATA_KEY = "fun_checkout";
/** … and our payout id. */
export const PAYOUT_METADATA_KEY = "fun_payout";
