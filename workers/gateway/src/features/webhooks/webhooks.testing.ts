import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { type CloudEvent, createEvent } from "@fun/events";
import { accessToken, bearer, callBrand, newPerson } from "@fun/testing";
import { expect, vi } from "vitest";
import worker from "../../index";
import { consumeEvents } from "../events/events.consumer";
import { type WebhookMessage, webhookFanoutProjection } from "./fanout.projection";

export type Brand = keyof typeof SEED.tenants;

/** A bearer for a seeded person (staff hold `webhooks:manage` on every brand). */
export const tokenOf = async (who: keyof typeof SEED.accounts, brand: Brand = "girlfanz") =>
  bearer(await accessToken({ accountId: SEED.accounts[who].id, brand }));

/** A new account holding `role` on one brand only (`brand`), or everywhere when `brand` is null. */
export async function personWithRole(role: "staff" | "admin", brand: Brand | null) {
  const person = await newPerson({ label: role });
  await env.DB.prepare(
    "INSERT INTO account_role (id, account_id, role_id, tenant_id, created_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(
      `arl_${person.id.slice(4)}`,
      person.id,
      SEED.roles[role].id,
      brand ? SEED.tenants[brand].id : null,
      Date.now(),
    )
    .run();
  return person;
}

export interface CreatedEndpoint {
  id: string;
  url: string;
  secret: string;
  eventTypes: string[];
  status: string;
}

/** Registers an endpoint through the API as the seeded staff of `brand`. */
export async function createEndpoint(
  body: Record<string, unknown>,
  brand: Brand = "girlfanz",
): Promise<CreatedEndpoint> {
  const response = await callBrand(
    "POST",
    "/v1/webhooks/endpoints",
    await tokenOf("staff", brand),
    body,
    brand,
  );
  expect(response.status).toBe(201);
  return (await response.json()) as CreatedEndpoint;
}

export interface ReceivedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  redirect: string | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Partners' webhook receivers on `*.example` hosts, intercepted at the network edge (the worker's
 * outbound `fetch`). Each request is recorded; it is answered by the next queued answer, else 204.
 */
export function fakeReceivers() {
  const received: ReceivedRequest[] = [];
  const answers: (() => Response | Promise<Response>)[] = [];
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!new URL(request.url).hostname.endsWith(".example")) return realFetch(input, init);
    received.push({
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
      redirect: init?.redirect,
      signal: init?.signal ?? undefined,
    });
    const answer = answers.shift();
    return answer ? answer() : new Response(null, { status: 204 });
  });
  return {
    received,
    /** Queues how the next requests are answered, in order. */
    answer(...next: (() => Response | Promise<Response>)[]) {
      answers.push(...next);
    },
    restore: () => spy.mockRestore(),
  };
}

let messageCounter = 0;

export function published(tenantId: string | null = SEED.tenants.girlfanz.id): CloudEvent {
  return createEvent(
    "fun.content.published",
    {
      contentId: "cnt_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q",
      creatorId: SEED.profiles.creator.id,
      tenantId: "girlfanz",
    },
    tenantId ? { tenantId } : {},
  );
}

export const message = <T>(body: T, attempts = 1) => ({
  id: `m${++messageCounter}`,
  timestamp: new Date(),
  attempts,
  body,
});

/** Runs the events consumer over the copies of `event`; returns what it queued for webhooks. */
export async function consumeEvent(event: CloudEvent, copies = 1): Promise<WebhookMessage[]> {
  const queued: WebhookMessage[] = [];
  const webhooksQueue = {
    send: async (body: WebhookMessage) => void queued.push(body),
    sendBatch: async (messages: MessageSendRequest<WebhookMessage>[]) =>
      void queued.push(...messages.map((m) => m.body)),
  } as unknown as Queue;
  const batch = createMessageBatch(
    "fun-events",
    Array.from({ length: copies }, () => message(event)),
  );
  const ctx = createExecutionContext();
  // The real events consumer and bindings, with the webhooks queue swapped for one that records what
  // was sent. Only the fan-out projection runs, so other features' projections cannot break these tests.
  const testEnv = Object.create(env, { WEBHOOKS: { value: webhooksQueue } }) as Env;
  await consumeEvents(batch, testEnv, [webhookFanoutProjection]);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages).toEqual([]);
  expect(result.explicitAcks).toHaveLength(copies);
  return queued;
}

/**
 * Runs a queue's handler over messages for deliveries, as the queue would deliver them. The result
 * has the acks and retries, and the delay each retry asked the queue for.
 */
export async function runQueue(
  queue: "fun-webhooks" | "fun-webhooks-dlq",
  messages: ReturnType<typeof message>[],
) {
  const batch = createMessageBatch(queue, messages);
  const retrySpies = batch.messages.map((m) => ({ id: m.id, spy: vi.spyOn(m, "retry") }));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  const retryMessages = result.retryMessages.map(({ msgId }) => ({
    msgId,
    delaySeconds: retrySpies.find((r) => r.id === msgId)?.spy.mock.calls.at(-1)?.[0]?.delaySeconds,
  }));
  return { ...result, retryMessages };
}

export const deliver = (deliveryId: string, attempts = 1) =>
  runQueue("fun-webhooks", [message({ deliveryId } satisfies WebhookMessage, attempts)]);
