import { createCoreDb } from "@fun/db";
import { drainOutbox, pruneOutbox } from "@fun/events";
import { createGatewayApp } from "./app";
import { findContent } from "./features/content/content.repo";
import { publishDue } from "./features/content/publishing";
import { consumeEvents, storeDeadLetters } from "./features/events/events.consumer";
import {
  DAILY_RECONCILIATION_CRON,
  runCommerceCron,
  WEEKLY_PAYOUTS_CRON,
} from "./features/payments/commerce.cron";

/** Commerce's own schedules; every other tick is the minute sweep (outbox, scheduled posts, retries). */
const COMMERCE_CRONS = new Set([WEEKLY_PAYOUTS_CRON, DAILY_RECONCILIATION_CRON]);

import { hostIndex } from "./features/tenants/tenant-directory";
import {
  deliverWebhooks,
  markWebhooksDead,
  WEBHOOKS_DEAD_LETTER_QUEUE,
  WEBHOOKS_QUEUE,
} from "./features/webhooks/delivery.consumer";

export { KeyRing } from "../../../durable-objects/key-ring/key-ring";
export { CreatorLedger } from "../../../durable-objects/ledger/ledger";
export { LoginThrottle } from "../../../durable-objects/login-throttle/login-throttle";
export { SessionStore } from "../../../durable-objects/session/session-store";

const app = createGatewayApp();

/** Sent outbox rows are kept this long for debugging, then deleted by the cron sweep. */
const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    if (batch.queue === WEBHOOKS_QUEUE) return deliverWebhooks(batch, env);
    if (batch.queue === WEBHOOKS_DEAD_LETTER_QUEUE) return markWebhooksDead(batch, env);
    if (batch.queue.endsWith("-dlq")) return storeDeadLetters(batch, env);
    return consumeEvents(batch, env);
  },

  async scheduled(controller, env, ctx) {
    if (COMMERCE_CRONS.has(controller.cron)) {
      // Commerce's weekly payouts and daily reconciliation.
      const done = await runCommerceCron(controller.cron, env);
      console.log(
        JSON.stringify({
          level: "info",
          service: "gateway",
          message: "commerce cron",
          cron: controller.cron,
          ...done,
        }),
      );
      return;
    }
    ctx.waitUntil(runCommerceCron(controller.cron, env));
    // The safety net of the outbox: anything whose send after its request failed goes out here.
    // Scheduled posts whose time has come go live (each writes its event to the outbox first).
    const db = createCoreDb(env.DB);
    const index = await hostIndex(env);
    const goneLive = await publishDue(
      db,
      async (contentId) => (await findContent(db, contentId))?.row,
      (tenantId) => index.tenant(tenantId)?.slug ?? tenantId,
    );
    const relayed = await drainOutbox(env.DB, env.EVENTS);
    ctx.waitUntil(pruneOutbox(env.DB, OUTBOX_RETENTION_MS));
    console.log(
      JSON.stringify({ level: "info", service: "gateway", message: "outbox sweep", goneLive, ...relayed }),
    );
  },
} satisfies ExportedHandler<Env>;
