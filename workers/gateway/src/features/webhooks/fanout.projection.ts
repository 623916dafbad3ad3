import { createCoreDb } from "@fun/db";
import { type CloudEvent, type EventProjection, isEventType } from "@fun/events";
import { insertDeliveries, untriedDeliveryIds } from "./webhooks.repo";

/** The body of a message on the `fun-webhooks` queue: one delivery to attempt. */
export interface WebhookMessage {
  deliveryId: string;
}

/**
 * The exact body every attempt of a delivery sends (Standard Webhooks' `{type, timestamp, data}`):
 * `type` is the event type, `timestamp` the event's CloudEvents `time`, and `data` the event's data
 * with two keys of ours set over it: `eventId` (the CloudEvent id, the same for every endpoint) and
 * `tenant` (the brand's slug, filled in by the insert).
 */
export function webhookBody(event: CloudEvent): string {
  const data =
    typeof event.data === "object" && event.data !== null && !Array.isArray(event.data)
      ? event.data
      : { value: event.data };
  return JSON.stringify({ type: event.type, timestamp: event.time, data: { ...data, eventId: event.id } });
}

/**
 * Fans each catalogued event of a brand out to that brand's active endpoints that want its type: one
 * pending `webhook_delivery` each, written with the event's receipt, so a redelivered event makes none.
 */
export const webhookFanoutProjection: EventProjection = {
  consumer: "webhooks.fanout",
  accepts: (event) => Boolean(event.tenantid) && isEventType(event.type),
  writes: (event, db) => [
    insertDeliveries(
      db,
      { id: event.id, type: event.type, tenantId: event.tenantid ?? "" },
      webhookBody(event),
      Date.now(),
    ),
  ],
};

/** A queue batch takes at most 100 messages. */
const SEND_BATCH_LIMIT = 100;

/**
 * Queues a `{deliveryId}` message for each delivery of the event that was never tried. Called by the
 * events consumer after it applied the event, every time it sees it: a message for a delivery that
 * is already being tried, or is finished, is dropped by the delivery consumer, so sending twice is harmless.
 */
export async function enqueueWebhookDeliveries(env: Env, event: CloudEvent): Promise<number> {
  if (!event.tenantid || !isEventType(event.type)) return 0;
  const ids = await untriedDeliveryIds(createCoreDb(env.DB), event.tenantid, event.id);
  for (let i = 0; i < ids.length; i += SEND_BATCH_LIMIT) {
    await env.WEBHOOKS.sendBatch(
      ids.slice(i, i + SEND_BATCH_LIMIT).map((deliveryId) => ({
        body: { deliveryId } satisfies WebhookMessage,
        contentType: "json" as const,
      })),
    );
  }
  return ids.length;
}
