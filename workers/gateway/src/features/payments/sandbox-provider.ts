import { ulid } from "@fun/core";
import { type CoreDb, sandboxRecord } from "@fun/db";
import { and, eq, gte, lt } from "drizzle-orm";
import type { BalanceTransaction, CheckoutInput, PaymentProvider } from "./provider";
import { verifyStripeEvent } from "./stripe-events";

/**
 * The local sandbox provider (`PAYMENTS_PROVIDER=sandbox`, the default for `npm run dev` and tests):
 * it keeps its side of things (checkout sessions, payments, subscriptions, connected accounts,
 * payouts, balance transactions) in `sandbox_record`, serves its checkout page on the brand host
 * (sandbox.routes.ts), and its buttons send Stripe-format events signed with STRIPE_WEBHOOK_SECRET to
 * `/v1/webhooks/payments` (sandbox-actions.ts). Webhooks are verified exactly as Stripe's are.
 */

export interface SandboxSession extends CheckoutInput {
  status: "open" | "paid";
  paymentRef: string | null;
  subscriptionRef: string | null;
}
export interface SandboxPayment {
  checkoutId: string;
  amount: number;
  currency: string;
  fee: number;
  refunded: number;
  disputeRef: string | null;
}
export interface SandboxSubscription {
  checkoutId: string;
  sessionRef: string;
  amount: number;
  currency: string;
  intervalMonths: number;
  periodEnd: number;
  status: "trialing" | "active" | "canceled";
}
export interface SandboxAccount {
  profileId: string;
  country: string;
  onboarded: boolean;
  returnUrl: string;
}
export interface SandboxPayout {
  payoutId: string;
  accountRef: string;
  amount: number;
  currency: string;
  status: "in_transit" | "paid" | "failed";
}

export type SandboxKinds = {
  session: SandboxSession;
  payment: SandboxPayment;
  subscription: SandboxSubscription;
  account: SandboxAccount;
  payout: SandboxPayout;
  txn: BalanceTransaction;
};
type Kind = keyof SandboxKinds;

const PREFIXES: Record<Kind, string> = {
  session: "cs_sbx_",
  payment: "pi_sbx_",
  subscription: "sub_sbx_",
  account: "acct_sbx_",
  payout: "po_sbx_",
  txn: "txn_sbx_",
};

/** Stripe's standard card pricing, which the sandbox charges so fees show up as they will for real. */
export function sandboxFee(amount: number): number {
  return Math.min(amount, Math.round(amount * 0.029) + 30);
}

/** The sandbox's records, one JSON document each. */
export class SandboxStore {
  constructor(readonly db: CoreDb) {}

  newId(kind: Kind | "refund" | "dispute" | "invoice" | "event"): string {
    const prefix =
      kind === "refund"
        ? "re_sbx_"
        : kind === "dispute"
          ? "dp_sbx_"
          : kind === "invoice"
            ? "in_sbx_"
            : kind === "event"
              ? "evt_sbx_"
              : PREFIXES[kind];
    return `${prefix}${ulid()}`;
  }

  async put<K extends Kind>(kind: K, id: string, data: SandboxKinds[K], createdAt = Date.now()) {
    await this.db
      .insert(sandboxRecord)
      .values({ id, kind, data: data as unknown as Record<string, unknown>, createdAt })
      .onConflictDoUpdate({
        target: sandboxRecord.id,
        set: { data: data as unknown as Record<string, unknown> },
      });
  }

  async get<K extends Kind>(kind: K, id: string): Promise<SandboxKinds[K] | undefined> {
    const row = await this.db
      .select({ data: sandboxRecord.data })
      .from(sandboxRecord)
      .where(and(eq(sandboxRecord.id, id), eq(sandboxRecord.kind, kind)))
      .get();
    return row?.data as SandboxKinds[K] | undefined;
  }

  async list<K extends Kind>(kind: K, range: { from: number; to: number }): Promise<SandboxKinds[K][]> {
    const rows = await this.db
      .select({ data: sandboxRecord.data })
      .from(sandboxRecord)
      .where(
        and(
          eq(sandboxRecord.kind, kind),
          gte(sandboxRecord.createdAt, range.from),
          lt(sandboxRecord.createdAt, range.to),
        ),
      )
      .orderBy(sandboxRecord.createdAt);
    return rows.map((row) => row.data as unknown as SandboxKinds[K]);
  }

  /** Records a movement of the platform's balance, as the provider's balance transactions list it. */
  async transaction(movement: Omit<BalanceTransaction, "id" | "createdAt">, createdAt = Date.now()) {
    const id = this.newId("txn");
    await this.put("txn", id, { ...movement, id, createdAt }, createdAt);
  }
}

export class SandboxProvider implements PaymentProvider {
  readonly name = "sandbox";
  readonly store: SandboxStore;

  constructor(
    db: CoreDb,
    private readonly webhookSecret: string,
  ) {
    this.store = new SandboxStore(db);
  }

  async createCheckout(input: CheckoutInput) {
    const sessionRef = this.store.newId("session");
    await this.store.put("session", sessionRef, {
      ...input,
      status: "open",
      paymentRef: null,
      subscriptionRef: null,
    });
    return { sessionRef, url: `${input.origin}/v1/sandbox/checkout/${sessionRef}` };
  }

  async refundPayment(_input: { paymentRef: string; amount?: number; idempotencyKey: string }) {
    // Refunds are made from the sandbox page, which sends the refund's webhook as Stripe would.
  }

  async createPayoutAccount(input: {
    profileId: string;
    country: string;
    existingAccountRef?: string;
    returnUrl: string;
  }) {
    const accountRef = input.existingAccountRef ?? this.store.newId("account");
    const existing = await this.store.get("account", accountRef);
    await this.store.put("account", accountRef, {
      profileId: input.profileId,
      country: input.country,
      onboarded: existing?.onboarded ?? false,
      returnUrl: input.returnUrl,
    });
    const origin = new URL(input.returnUrl).origin;
    return { accountRef, onboardingUrl: `${origin}/v1/sandbox/accounts/${accountRef}` };
  }

  async createPayout(input: { payoutId: string; accountRef: string; amount: number; currency: string }) {
    const payoutRef = this.store.newId("payout");
    await this.store.put("payout", payoutRef, { ...input, status: "in_transit" });
    await this.store.transaction({
      type: "payout",
      ref: input.payoutId,
      amount: -input.amount,
      fee: 0,
      currency: input.currency,
    });
    return { payoutRef };
  }

  async paymentFee(paymentRef: string): Promise<number> {
    return (await this.store.get("payment", paymentRef))?.fee ?? 0;
  }

  balanceTransactions(range: { from: number; to: number }): Promise<BalanceTransaction[]> {
    return this.store.list("txn", range);
  }

  verifyWebhook(rawBody: string, headers: Headers) {
    return verifyStripeEvent(rawBody, headers, this.webhookSecret);
  }
}
