import { newId } from "@fun/core";
import { createCoreDb, deadLetter } from "@fun/db";
import { applyOnce, type EventProjection, parseEvent } from "@fun/events";
import { requestRenditionsFor } from "../media/renditions.trigger";
import { notificationsInboxProjection } from "../notifications/inbox.projection";
import { pushNotificationsFor } from "../notifications/push-notifications";
import { searchIndexProjection } from "../search/search-index.projection";
import { enqueueWebhookDeliveries, webhookFanoutProjection } from "../webhooks/fanout.projection";
import { dailyCountProjection } from "./daily-count.projection";

/** Every projection the gateway's events consumer feeds. Later features add theirs here. */
export const PROJECTIONS: readonly EventProjection[] = [
  dailyCountProjection,
  searchIndexProjection,
  webhookFanoutProjection,
  notificationsInboxProjection,
];

/** Seconds before a failed message is tried again; grows with each attempt. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ service: "gateway", consumer: "events", ...fields }));
}

/**
 * Consumes the `events` queue: each message is checked against the catalogue and applied to every
 * projection exactly once (receipts keyed by event id). A message that is not a valid event can never
 * succeed, so it goes straight to the dead-letter table instead of being retried.
 */
export async function consumeEvents(
  batch: MessageBatch<unknown>,
  env: Env,
  projections: readonly EventProjection[] = PROJECTIONS,
): Promise<void> {
  const db = createCoreDb(env.DB);
  for (const message of batch.messages) {
    const parsed = parseEvent(message.body);
    if (!parsed.success) {
      await recordDeadLetter(env, batch.queue, message, "invalid event");
      log({ level: "warn", message: "invalid event dead-lettered", messageId: message.id });
      message.ack();
      continue;
    }
    try {
      for (const projection of projections) {
        const outcome = await applyOnce(db, projection, parsed.data);
        if (outcome !== "skipped")
          log({ level: "info", eventId: parsed.data.id, projection: projection.consumer, outcome });
      }
      // Also after a duplicate: the first run may have stopped between its writes and this send.
      await enqueueWebhookDeliveries(env, parsed.data);
      await pushNotificationsFor(env, db, parsed.data);
      await requestRenditionsFor(env, parsed.data);
      message.ack();
    } catch (error) {
      log({ level: "error", eventId: parsed.data.id, attempts: message.attempts, error: String(error) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

async function recordDeadLetter(
  env: Env,
  queue: string,
  message: Message<unknown>,
  reason: string,
): Promise<void> {
  await createCoreDb(env.DB)
    .insert(deadLetter)
    .values({
      id: newId("deadLetter"),
      queue,
      messageId: message.id,
      body: { reason, body: message.body },
      attempts: message.attempts,
      failedAt: Date.now(),
    })
    .onConflictDoNothing();
}

/**
 * Consumes the dead-letter queue: messages that failed every retry are kept in `dead_letter` for an
 * operator to inspect and replay. Recording is idempotent per queue and message id.
 */
export async function storeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    await recordDeadLetter(env, batch.queue, message, "retries exhausted");
    log({ level: "error", message: "event dead-lettered", messageId: message.id, queue: batch.queue });
    message.ack();
  }
}
