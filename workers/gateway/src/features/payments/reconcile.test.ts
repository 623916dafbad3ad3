import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createCoreDb, reconciliationReport } from "@fun/db";
import { OutboxWriter } from "@fun/events";
import { callBrand } from "@fun/testing";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import worker from "../../index";
import { hostIndex } from "../tenants/tenant-directory";
import { DAILY_RECONCILIATION_CRON } from "./commerce.cron";
import type { Commerce } from "./commerce-context";
import { paymentProvider } from "./payment-provider";
import {
  checkout,
  creatorAndFan,
  ledgerOf,
  payByWebhook,
  post,
  press,
  publishedPost,
  signedEvent,
  tokenFor,
  verifiedPayoutAccount,
} from "./payments.testing";
import { type Difference, reconcileDay } from "./reconcile";
import { SandboxStore } from "./sandbox-provider";

const db = createCoreDb(env.DB);
const DAY = 24 * 3600 * 1000;
const today = () => new Date().toISOString().slice(0, 10);

async function commerce(): Promise<Commerce> {
  return {
    db,
    env,
    provider: paymentProvider(env, db),
    outbox: new OutboxWriter(db),
    tenants: await hostIndex(env),
  };
}

/** A PPV checkout through the real route, for a post of `price`; answers the checkout id and sandbox session. */
async function ppvCheckout(creatorAccountId: string, fanAccountId: string, price = 1000) {
  const contentId = await publishedPost(creatorAccountId, {
    title: `Set ${crypto.randomUUID().slice(0, 6)}`,
    visibility: "ppv",
    priceCents: price,
  });
  const response = await checkout(fanAccountId, { kind: "ppv", contentId });
  expect(response.status).toBe(201);
  const opened = (await response.json()) as { checkoutId: string; url: string };
  return {
    checkoutId: opened.checkoutId,
    sessionRef: new URL(opened.url).pathname.split("/").pop() as string,
  };
}

/** Pays a checkout by a signed webhook for a payment the sandbox never made (so it has no balance transaction). */
const paidOutsideTheSandbox = (checkoutId: string, paymentRef: string, amount: number) =>
  payByWebhook(checkoutId, { amount, currency: "USD", paymentRef });

const storedReport = (day: string) =>
  db
    .select()
    .from(reconciliationReport)
    .where(and(eq(reconciliationReport.provider, "sandbox"), eq(reconciliationReport.day, day)))
    .get();

describe("daily reconciliation", () => {
  it("finds nothing after sandbox sales and a refund, then reports each movement one side lacks or disagrees on", async () => {
    const { creator, fan } = await creatorAndFan();
    const first = await ppvCheckout(creator.id, fan.id, 1000);
    const second = await ppvCheckout(creator.id, fan.id, 2500);
    expect((await press(`/v1/sandbox/checkout/${first.sessionRef}/pay`)).status).toBe(303);
    expect((await press(`/v1/sandbox/checkout/${second.sessionRef}/pay`)).status).toBe(303);
    expect((await press(`/v1/sandbox/checkout/${second.sessionRef}/refund`)).status).toBe(303);
    const kinds = (await ledgerOf(creator.profileId).entries({ limit: 50 })).map((e) => e.kind);
    expect(kinds).toEqual(["sale", "sale", "refund"]);

    const day = today();
    const clean = await reconcileDay(await commerce(), day);
    expect(clean).toEqual({ day, checked: 3, differences: [] });
    expect(await storedReport(day)).toMatchObject({ checked: 3, differences: [] });

    // 1. The provider took a payment the ledger never heard of.
    const store = new SandboxStore(db);
    const ghost = `pi_ghost_${crypto.randomUUID().slice(0, 8)}`;
    await store.transaction({ type: "charge", ref: ghost, amount: 1500, fee: 74, currency: "USD" });
    // 2. The ledger posted a sale the provider has no movement for.
    const unseen = `pi_unseen_${crypto.randomUUID().slice(0, 8)}`;
    await paidOutsideTheSandbox((await ppvCheckout(creator.id, fan.id, 1000)).checkoutId, unseen, 1000);
    // 3. Both have the payment, for different amounts.
    const short = `pi_short_${crypto.randomUUID().slice(0, 8)}`;
    await paidOutsideTheSandbox((await ppvCheckout(creator.id, fan.id, 1200)).checkoutId, short, 1200);
    await store.transaction({ type: "charge", ref: short, amount: 1100, fee: 0, currency: "USD" });

    const found = await reconcileDay(await commerce(), day);
    const expected: Difference[] = [
      {
        kind: "missing_in_ledger",
        movement: `charge:${ghost}`,
        currency: "USD",
        provider: 1500,
        ledger: null,
      },
      {
        kind: "amount_mismatch",
        movement: `charge:${short}`,
        currency: "USD",
        provider: 1100,
        ledger: 1200,
      },
      {
        kind: "missing_at_provider",
        movement: `charge:${unseen}`,
        currency: "USD",
        provider: null,
        ledger: 1000,
      },
    ];
    expect(found.checked).toBe(5);
    expect(found.differences).toHaveLength(3);
    expect(found.differences).toEqual(expect.arrayContaining(expected));
    // A rerun of the day replaces its report rather than adding one.
    const stored = await storedReport(day);
    expect(stored?.checked).toBe(5);
    expect(stored?.differences).toEqual(found.differences);
    const reports = await env.DB.prepare("SELECT count(*) AS n FROM reconciliation_report WHERE day = ?")
      .bind(day)
      .first<{ n: number }>();
    expect(reports?.n).toBe(1);
  });

  it("a payout requested on one day and paid on the next reconciles clean on both days, and a missing transfer is still reported", async () => {
    const { creator, fan } = await creatorAndFan();
    const token = await tokenFor(creator.id);
    await verifiedPayoutAccount(creator.id);
    // Three sales paid ten days ago (past the hold), outside the days reconciled here.
    for (const price of [1000, 1000, 1000]) {
      const { checkoutId } = await ppvCheckout(creator.id, fan.id, price);
      await payByWebhook(checkoutId, { amount: price, currency: "USD", daysAgo: 10 });
    }
    await runDurableObjectAlarm(env.LEDGER.get(env.LEDGER.idFromName(creator.profileId)));

    // Day D: requested, and the provider moves the money to the creator's account at once.
    const requested = await callBrand("POST", "/v1/payouts:request", token, { amountCents: 2400 });
    expect(requested.status, await requested.clone().text()).toBe(202);
    const payout = (await requested.json()) as { id: string };
    const row = await env.DB.prepare("SELECT provider_ref AS ref FROM payout WHERE id = ?")
      .bind(payout.id)
      .first<{ ref: string }>();
    // Day D+1: the bank pays it.
    const paid = await signedEvent(
      "payout.paid",
      { id: row?.ref, object: "payout", amount: 2400, currency: "usd", metadata: { fun_payout: payout.id } },
      { created: Math.floor((Date.now() + DAY) / 1000) },
    );
    expect(((await (await post(paid)).json()) as { outcome: string }).outcome).toBe("applied");
    const kinds = (await ledgerOf(creator.profileId).entries({ limit: 50 })).map((e) => e.kind);
    expect(kinds).toContain("payout_settle");

    // Day D holds this file's other movements too: this payout must not be among its differences.
    const day = today();
    const nextDay = new Date(Date.now() + DAY).toISOString().slice(0, 10);
    const aboutThePayout = (differences: Difference[]) =>
      differences.filter((d) => d.movement === `payout:${payout.id}`);
    expect(aboutThePayout((await reconcileDay(await commerce(), day)).differences)).toEqual([]);
    expect(await reconcileDay(await commerce(), nextDay)).toEqual({
      day: nextDay,
      checked: 0,
      differences: [],
    });

    // A payout the ledger reserved but the provider never moved is still a difference.
    await env.DB.prepare("DELETE FROM sandbox_record WHERE kind = 'txn' AND data LIKE ?")
      .bind(`%${payout.id}%`)
      .run();
    expect(aboutThePayout((await reconcileDay(await commerce(), day)).differences)).toEqual([
      {
        kind: "missing_at_provider",
        movement: `payout:${payout.id}`,
        currency: "USD",
        provider: null,
        ledger: -2400,
      },
    ]);
  });

  it("the daily cron reconciles yesterday and stores its report", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: DAILY_RECONCILIATION_CRON, scheduledTime: Date.now() }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    expect(await storedReport(yesterday)).toMatchObject({ checked: 0, differences: [] });
  });
});
