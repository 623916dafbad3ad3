import type { CoreDb } from "@fun/db";
import type { PaymentProvider } from "./provider";
import { SandboxProvider } from "./sandbox-provider";
import { StripeProvider } from "./stripe-provider";

/** The secret key is a secret (`wrangler secret put`), so it is not among the generated vars. */
type PaymentsEnv = Pick<Env, "PAYMENTS_PROVIDER" | "STRIPE_WEBHOOK_SECRET"> & { STRIPE_SECRET_KEY?: string };

/**
 * The configured payment provider: Stripe when `PAYMENTS_PROVIDER=stripe` and its secret key is set,
 * otherwise the local sandbox. A deployment that names Stripe without its key fails loudly rather
 * than taking payments in the sandbox.
 */
export function paymentProvider(env: PaymentsEnv, db: CoreDb): PaymentProvider {
  if (env.PAYMENTS_PROVIDER === "stripe") {
    if (!env.STRIPE_SECRET_KEY)
      throw new Error("PAYMENTS_PROVIDER is stripe but STRIPE_SECRET_KEY is not set");
    return new StripeProvider(env.STRIPE_SECRET_KEY, env.STRIPE_WEBHOOK_SECRET);
  }
  if (env.PAYMENTS_PROVIDER !== "sandbox") {
    throw new Error(`unknown PAYMENTS_PROVIDER ${JSON.stringify(env.PAYMENTS_PROVIDER)}`);
  }
  return new SandboxProvider(db, env.STRIPE_WEBHOOK_SECRET);
}
