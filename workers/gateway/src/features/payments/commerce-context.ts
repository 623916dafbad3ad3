import type { CreatorLedgerRpc } from "@fun/contracts";
import type { CoreDb } from "@fun/db";
import type { OutboxWriter } from "@fun/events";
import { DEFAULT_COMMERCE_SETTINGS, type HostIndex } from "@fun/tenancy";
import type { PaymentProvider } from "./provider";

/** What applying payment events, payouts and reconciliation need, built once per request or cron run. */
export interface Commerce {
  db: CoreDb;
  env: Env;
  provider: PaymentProvider;
  outbox: OutboxWriter;
  tenants: HostIndex;
}

/** The creator's ledger object, spoken to only through its contract. */
export function ledgerOf(env: Env, creatorProfileId: string): CreatorLedgerRpc {
  return env.LEDGER.get(env.LEDGER.idFromName(creatorProfileId)) as unknown as CreatorLedgerRpc;
}

/** A brand's fee, hold and payout rules, with the platform defaults for anything it leaves out. */
export function commerceRules(tenants: HostIndex, tenantId: string) {
  const tenant = tenants.tenant(tenantId);
  return {
    slug: tenant?.slug ?? tenantId,
    platformFeeBps: tenant?.settings.fees.platformFeeBps ?? 0,
    ...(tenant?.settings.commerce ?? DEFAULT_COMMERCE_SETTINGS),
  };
}

/** The platform's cut of a gross amount, rounded to the nearest minor unit. */
export function platformFee(gross: number, bps: number): number {
  return Math.round((gross * bps) / 10_000);
}
