import { type CoreDb, createCoreDb } from "@fun/db";
import type { WebhookMessage } from "./fanout.projection";
import { openSecret } from "./secret-sealing";
import { signatureHeaders } from "./signing";
import { claimAttempt, findDeliveryToSend, markDeliveryDead, recordAttempt } from "./webhooks.repo";

/** The queue of `{deliveryId}` messages, and the dead-letter queue its exhausted messages go to. */
export const WEBHOOKS_QUEUE = "fun-webhooks";
export const WEBHOOKS_DEAD_LETTER_QUEUE = "fun-webhooks-dlq";

const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a claimed attempt keeps duplicate messages off the delivery: well over one attempt. */
const LEASE_MS = 30_000;
/** A retried message may come back this much before its delivery's `next_attempt_at` (clock skew). */
const EARLY_MS = 2_000;
const FIRST_RETRY_SECONDS = 10;
const MAX_RETRY_SECONDS = 60 * 60;

/**
 * Seconds to wait before the attempt after attempt `attempt` failed: 10 s, 20 s, 40 s … capped at an
 * hour. A receiver's Retry-After (429/503) can lengthen the wait, never shorten it.
 */
export function retryDelaySeconds(attempt: number, retryAfterSeconds?: number): number {
  const backoff = Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_RETRY_SECONDS, Math.max(backoff, retryAfterSeconds ?? 0));
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ service: "gateway", consumer: "webhooks", ...fields }));
}

function deliveryIdOf(body: unknown): string | undefined {
  const id = (body as Partial<WebhookMessage> | null)?.deliveryId;
  return typeof id === "string" && /^msg_[0-9A-Z]{26}$/.test(id) ? id : undefined;
}

interface HttpResult {
  statusCode: number | null;
  error: string | null;
  retryAfter: number | undefined;
}

/** POSTs the signed body once. Redirects are not followed: a 3xx is a failed attempt. */
async function post(url: string, headers: Record<string, string>, body: string): Promise<HttpResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "FUN-Core-Webhooks/1.0" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    const error = ok
      ? null
      : response.status >= 300 && response.status < 400
        ? `HTTP ${response.status}: redirects are not followed`
        : `HTTP ${response.status}`;
    const retryAfter =
      response.status === 429 || response.status === 503
        ? parseRetryAfter(response.headers.get("retry-after"))
        : undefined;
    return { statusCode: response.status, error, retryAfter };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const reason = timedOut
      ? `timed out after ${ATTEMPT_TIMEOUT_MS / 1000} s`
      : `network error: ${String(error)}`;
    return { statusCode: null, error: reason.slice(0, 500), retryAfter: undefined };
  }
}

/** One message: the next attempt of its delivery, or nothing when there is nothing left to do. */
async function attemptDelivery(db: CoreDb, env: Env, message: Message<unknown>): Promise<void> {
  const deliveryId = deliveryIdOf(message.body);
  if (!deliveryId) {
    log({ level: "warn", message: "not a webhook message; dropped", messageId: message.id });
    return message.ack();
  }
  const found = await findDeliveryToSend(db, deliveryId);
  // Gone with its endpoint (deleted), or finished already: a late or duplicate message.
  if (found?.delivery.status !== "pending") return message.ack();
  const { delivery, endpoint } = found;
  if (endpoint.status !== "active") {
    await markDeliveryDead(db, deliveryId, "endpoint disabled");
    log({ level: "info", message: "delivery dead: endpoint disabled", deliveryId });
    return message.ack();
  }

  const now = Date.now();
  const attempt = await claimAttempt(db, deliveryId, now, now + LEASE_MS, EARLY_MS);
  if (attempt === undefined) {
    // Another message holds this delivery (in flight, or waiting for its retry); look again later.
    const wait = Math.ceil(((delivery.nextAttemptAt ?? now) - now) / 1000);
    return message.retry({ delaySeconds: Math.min(MAX_RETRY_SECONDS, Math.max(1, wait)) });
  }

  const secret = await openSecret(env.WEBHOOK_SECRET_KEY, endpoint.id, endpoint.secretSealed);
  const headers = await signatureHeaders(secret, deliveryId, delivery.payload, now);
  const result = await post(endpoint.url, headers, delivery.payload);
  const outcome = {
    attempt,
    statusCode: result.statusCode,
    error: result.error,
    durationMs: Date.now() - now,
    attemptedAt: now,
  };
  if (result.error === null) {
    await recordAttempt(db, deliveryId, { ...outcome, status: "succeeded", nextAttemptAt: null });
    log({ level: "info", message: "delivered", deliveryId, attempt, statusCode: result.statusCode });
    return message.ack();
  }
  const delaySeconds = retryDelaySeconds(attempt, result.retryAfter);
  await recordAttempt(db, deliveryId, {
    ...outcome,
    status: "pending",
    nextAttemptAt: Date.now() + delaySeconds * 1000,
  });
  log({ level: "warn", message: "attempt failed", deliveryId, attempt, error: result.error, delaySeconds });
  message.retry({ delaySeconds });
}

/**
 * Consumes `fun-webhooks`: each message attempts one delivery, signed per Standard Webhooks, records
 * the attempt, and on failure is retried with a growing delay. After the queue's last retry the
 * message goes to `fun-webhooks-dlq`, whose consumer marks the delivery dead.
 */
export async function deliverWebhooks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createCoreDb(env.DB);
  for (const message of batch.messages) {
    try {
      await attemptDelivery(db, env, message);
    } catch (error) {
      log({ level: "error", messageId: message.id, attempts: message.attempts, error: String(error) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** Consumes `fun-webhooks-dlq`: the delivery used up its retries and is marked dead. */
export async function markWebhooksDead(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createCoreDb(env.DB);
  for (const message of batch.messages) {
    const deliveryId = deliveryIdOf(message.body);
    if (deliveryId && (await markDeliveryDead(db, deliveryId, "retries exhausted"))) {
      log({ level: "error", message: "delivery dead: retries exhausted", deliveryId });
    }
    message.ack();
  }
}
