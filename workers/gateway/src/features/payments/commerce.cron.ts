import { createCoreDb } from "@fun/db";
import { OutboxWriter } from "@fun/events";
import { runScheduledPayouts } from "../payouts/payouts.service";
import { hostIndex } from "../tenants/tenant-directory";
import { retryDeferredPaymentEvents } from "./apply-payment-event";
import type { Commerce } from "./commerce-context";
import { paymentProvider } from "./payment-provider";
import { reconcileDay } from "./reconcile";

/** The crons in wrangler.toml that belong to commerce. */
export const WEEKLY_PAYOUTS_CRON = "0 6 * * 1";
export const DAILY_RECONCILIATION_CRON = "30 3 * * *";

async function commerceFor(env: Env): Promise<Commerce> {
  const db = createCoreDb(env.DB);
  return {
    db,
    env,
    provider: paymentProvider(env, db),
    outbox: new OutboxWriter(db),
    tenants: await hostIndex(env),
  };
}

/** Runs commerce's share of a cron tick: deferred events every minute, payouts weekly, reconciliation daily. */
export async function runCommerceCron(cron: string, env: Env): Promise<Record<string, number>> {
  const commerce = await commerceFor(env);
  if (cron === WEEKLY_PAYOUTS_CRON) return { payoutsRequested: await runScheduledPayouts(commerce) };
  if (cron === DAILY_RECONCILIATION_CRON)
    return { differences: (await reconcileDay(commerce)).differences.length };
  return { deferredApplied: await retryDeferredPaymentEvents(commerce) };
}
