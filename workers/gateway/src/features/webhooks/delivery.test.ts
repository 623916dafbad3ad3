import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import type { CloudEvent } from "@fun/events";
import { callBrand } from "@fun/testing";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROJECTIONS } from "../events/events.consumer";
import { webhookFanoutProjection } from "./fanout.projection";
import {
  type CreatedEndpoint,
  consumeEvent,
  createEndpoint,
  deliver,
  fakeReceivers,
  message,
  published,
  runQueue,
  tokenOf,
} from "./webhooks.testing";

let receivers: ReturnType<typeof fakeReceivers>;

beforeEach(async () => {
  // Each test counts its own endpoints' deliveries.
  await env.DB.prepare("DELETE FROM webhook_endpoint").run();
  receivers = fakeReceivers();
});

afterEach(() => receivers.restore());

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
}

async function deliveriesOf(eventId: string): Promise<DeliveryRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM webhook_delivery WHERE event_id = ? ORDER BY id")
    .bind(eventId)
    .all<DeliveryRow>();
  return results;
}

async function delivery(id: string): Promise<DeliveryRow | null> {
  return env.DB.prepare("SELECT * FROM webhook_delivery WHERE id = ?").bind(id).first<DeliveryRow>();
}

async function attemptsOf(id: string) {
  const { results } = await env.DB.prepare(
    "SELECT attempt, status_code, error FROM webhook_attempt WHERE delivery_id = ? ORDER BY attempt",
  )
    .bind(id)
    .all<{ attempt: number; status_code: number | null; error: string | null }>();
  return results;
}

/** Time passes until the delivery's next attempt is due. */
async function passBackoff(id: string) {
  await env.DB.prepare("UPDATE webhook_delivery SET next_attempt_at = ? WHERE id = ?")
    .bind(Date.now() - 1, id)
    .run();
}

/** One endpoint and one event fanned out to it: the delivery id. */
async function oneDelivery(url = "https://receiver.example/hooks"): Promise<{
  endpoint: CreatedEndpoint;
  deliveryId: string;
  event: CloudEvent;
}> {
  const endpoint = await createEndpoint({ url });
  const event = published();
  const [queued] = await consumeEvent(event);
  expect(queued?.deliveryId).toMatch(/^msg_[0-9A-Z]{26}$/);
  return { endpoint, deliveryId: queued?.deliveryId ?? "", event };
}

const failWith =
  (status: number, headers: Record<string, string> = {}) =>
  () =>
    new Response("nope", { status, headers });

describe("fan-out", () => {
  it("is one of the events consumer's projections", () => {
    expect(PROJECTIONS).toContain(webhookFanoutProjection);
  });

  it("makes one delivery per active endpoint of the brand that wants the type, even when consumed twice", async () => {
    const everything = await createEndpoint({ url: "https://all.example/hooks" });
    const posts = await createEndpoint({
      url: "https://posts.example/hooks",
      eventTypes: ["fun.content.published"],
    });
    await createEndpoint({ url: "https://payouts.example/hooks", eventTypes: ["fun.payout.processed"] });
    const disabled = await createEndpoint({ url: "https://off.example/hooks" });
    await callBrand("PATCH", `/v1/webhooks/endpoints/${disabled.id}`, await tokenOf("staff"), {
      status: "disabled",
    });
    await createEndpoint({ url: "https://pup.example/hooks" }, "pupfanz");

    const event = published();
    const queuedFirst = await consumeEvent(event, 2);
    const queuedLater = await consumeEvent(event);

    const rows = await deliveriesOf(event.id);
    expect(rows.map((r) => r.endpoint_id).sort()).toEqual([everything.id, posts.id].sort());
    expect(rows.every((r) => r.status === "pending" && r.attempts === 0)).toBe(true);
    const receipts = await env.DB.prepare(
      "SELECT count(*) AS n FROM event_receipt WHERE consumer = 'webhooks.fanout' AND event_id = ?",
    )
      .bind(event.id)
      .first<{ n: number }>();
    expect(receipts?.n).toBe(1);

    // The body is the same for every endpoint and documented in fanout.projection.ts.
    for (const row of rows) {
      expect(JSON.parse(row.payload)).toEqual({
        type: "fun.content.published",
        timestamp: event.time,
        data: { ...(event.data as object), eventId: event.id, tenant: "girlfanz" },
      });
    }
    expect(rows[0]?.payload).toBe(rows[1]?.payload);

    // Every time it saw the event, the consumer queued the untried deliveries again...
    const ids = rows.map((r) => r.id).sort();
    expect([...new Set(queuedFirst.map((q) => q.deliveryId))].sort()).toEqual(ids);
    expect(queuedLater.map((q) => q.deliveryId).sort()).toEqual(ids);
    // ...which is harmless: each delivery is sent once, and every message is acknowledged.
    const all = [...queuedFirst, ...queuedLater];
    const result = await runQueue(
      "fun-webhooks",
      all.map((q) => message(q)),
    );
    expect(result.explicitAcks).toHaveLength(all.length);
    expect(result.retryMessages).toEqual([]);
    expect(receivers.received.map((r) => new URL(r.url).hostname).sort()).toEqual([
      "all.example",
      "posts.example",
    ]);
    expect((await deliveriesOf(event.id)).map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    // Nothing is queued for deliveries that were tried.
    expect(await consumeEvent(event)).toEqual([]);
  });

  it("sends nothing for platform-wide events or to other brands", async () => {
    await createEndpoint({ url: "https://all.example/hooks" });
    const platformWide = published(null);
    expect(await consumeEvent(platformWide)).toEqual([]);
    const pupfanzEvent = published(SEED.tenants.pupfanz.id);
    expect(await consumeEvent(pupfanzEvent)).toEqual([]);
    expect(await deliveriesOf(platformWide.id)).toEqual([]);
    expect(await deliveriesOf(pupfanzEvent.id)).toEqual([]);
  });
});

describe("sending a delivery", () => {
  it("POSTs the stored body signed per Standard Webhooks, verified by an independent library", async () => {
    const { endpoint, deliveryId } = await oneDelivery();
    const before = Math.floor(Date.now() / 1000);
    const result = await deliver(deliveryId);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);

    expect(receivers.received).toHaveLength(1);
    const [request] = receivers.received;
    if (!request) throw new Error("no request");
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://receiver.example/hooks");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["webhook-id"]).toBe(deliveryId);
    expect(Number(request.headers["webhook-timestamp"])).toBeGreaterThanOrEqual(before);
    expect(Number(request.headers["webhook-timestamp"])).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(request.redirect).toBe("manual");
    expect(request.signal).toBeInstanceOf(AbortSignal);
    expect(request.body).toBe((await delivery(deliveryId))?.payload);

    const verified = new Webhook(endpoint.secret).verify(request.body, request.headers);
    expect(verified).toEqual(JSON.parse(request.body));

    // Tampering with anything signed fails verification.
    expect(() => new Webhook(endpoint.secret).verify(`${request.body} `, request.headers)).toThrow();
    expect(() =>
      new Webhook(endpoint.secret).verify(request.body.replace("girlfanz", "pupfanz"), request.headers),
    ).toThrow();
    const signature = request.headers["webhook-signature"] ?? "";
    const flipped = `${signature.slice(0, 3)}${signature[3] === "A" ? "B" : "A"}${signature.slice(4)}`;
    expect(() =>
      new Webhook(endpoint.secret).verify(request.body, { ...request.headers, "webhook-signature": flipped }),
    ).toThrow();
    expect(() =>
      new Webhook(endpoint.secret).verify(request.body, { ...request.headers, "webhook-id": "msg_other" }),
    ).toThrow();
    const stranger = await createEndpoint({ url: "https://stranger.example/hooks" });
    expect(() => new Webhook(stranger.secret).verify(request.body, request.headers)).toThrow();

    expect(await delivery(deliveryId)).toMatchObject({
      status: "succeeded",
      attempts: 1,
      last_status_code: 204,
    });
    expect(await attemptsOf(deliveryId)).toEqual([{ attempt: 1, status_code: 204, error: null }]);

    // A late duplicate message finds the delivery done: acknowledged, nothing sent.
    const again = await deliver(deliveryId, 2);
    expect(again.explicitAcks).toHaveLength(1);
    expect(receivers.received).toHaveLength(1);
  });

  it("retries a failed attempt later and succeeds: two attempts logged", async () => {
    const { endpoint, deliveryId } = await oneDelivery();
    receivers.answer(failWith(500), () => new Response("ok", { status: 200 }));

    const first = await deliver(deliveryId, 1);
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages).toEqual([{ msgId: expect.any(String), delaySeconds: 10 }]);
    const pending = await delivery(deliveryId);
    expect(pending).toMatchObject({
      status: "pending",
      attempts: 1,
      last_status_code: 500,
      last_error: "HTTP 500",
    });
    expect(pending?.next_attempt_at).toBeGreaterThan(Date.now() + 8_000);

    // A duplicate message before the back-off is over sends nothing and comes back after it.
    const early = await deliver(deliveryId, 1);
    expect(early.retryMessages).toHaveLength(1);
    expect(early.retryMessages[0]?.delaySeconds).toBeGreaterThan(0);
    expect(early.retryMessages[0]?.delaySeconds).toBeLessThanOrEqual(10);
    expect(receivers.received).toHaveLength(1);

    await passBackoff(deliveryId);
    const second = await deliver(deliveryId, 2);
    expect(second.explicitAcks).toHaveLength(1);
    expect(second.retryMessages).toEqual([]);

    expect(await delivery(deliveryId)).toMatchObject({
      status: "succeeded",
      attempts: 2,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
    });
    expect(await attemptsOf(deliveryId)).toEqual([
      { attempt: 1, status_code: 500, error: "HTTP 500" },
      { attempt: 2, status_code: 200, error: null },
    ]);
    // Both tries carry the same webhook-id and body, each signed for its own timestamp.
    const [a, b] = receivers.received;
    expect(a?.headers["webhook-id"]).toBe(b?.headers["webhook-id"]);
    expect(a?.body).toBe(b?.body);
    for (const request of receivers.received) {
      expect(() => new Webhook(endpoint.secret).verify(request.body, request.headers)).not.toThrow();
    }
  });

  it("waits longer after each failure, honours Retry-After, and is dead once the queue gives up", async () => {
    const { deliveryId } = await oneDelivery();
    receivers.answer(
      failWith(500),
      failWith(502),
      failWith(503),
      failWith(429, { "retry-after": "600" }),
      failWith(503, { "retry-after": "86400" }),
    );
    const delays: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const result = await deliver(deliveryId, attempt);
      delays.push(result.retryMessages[0]?.delaySeconds);
      await passBackoff(deliveryId);
    }
    // 10, 20, 40; a Retry-After of 10 minutes raises the fourth wait (80 s); a day is capped at an hour.
    expect(delays).toEqual([10, 20, 40, 600, 3600]);
    expect((await attemptsOf(deliveryId)).map((a) => a.status_code)).toEqual([500, 502, 503, 429, 503]);

    // After the last retry the queue moves the message to the dead-letter queue.
    const dead = await runQueue("fun-webhooks-dlq", [message({ deliveryId }, 9)]);
    expect(dead.explicitAcks).toHaveLength(1);
    expect(await delivery(deliveryId)).toMatchObject({
      status: "dead",
      last_error: "retries exhausted",
      next_attempt_at: null,
    });

    // A straggler is dropped; a second dead-lettering changes nothing.
    const straggler = await deliver(deliveryId, 3);
    expect(straggler.explicitAcks).toHaveLength(1);
    await runQueue("fun-webhooks-dlq", [message({ deliveryId }, 9)]);
    expect(receivers.received).toHaveLength(5);
    expect(await delivery(deliveryId)).toMatchObject({ status: "dead", attempts: 5 });
  });

  it("never lets the dead-letter queue kill a delivery that succeeded", async () => {
    const { deliveryId } = await oneDelivery();
    await deliver(deliveryId);
    await runQueue("fun-webhooks-dlq", [message({ deliveryId }, 9)]);
    expect(await delivery(deliveryId)).toMatchObject({ status: "succeeded", last_error: null });
  });

  it("does not follow redirects, and logs a request that got no answer", async () => {
    const { deliveryId } = await oneDelivery();
    receivers.answer(
      () => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } }),
      () => Promise.reject(new TypeError("Network connection lost.")),
    );
    await deliver(deliveryId, 1);
    await passBackoff(deliveryId);
    await deliver(deliveryId, 2);
    expect(receivers.received.map((r) => r.url)).toEqual([
      "https://receiver.example/hooks",
      "https://receiver.example/hooks",
    ]);
    const attempts = await attemptsOf(deliveryId);
    expect(attempts[0]).toMatchObject({ status_code: 302, error: expect.stringContaining("redirects") });
    expect(attempts[1]).toMatchObject({
      status_code: null,
      error: expect.stringContaining("Network connection lost"),
    });
    expect(await delivery(deliveryId)).toMatchObject({
      status: "pending",
      attempts: 2,
      last_status_code: null,
    });
  });

  it("gives up on a disabled endpoint's deliveries and drops a deleted one's, without calling them", async () => {
    const auth = await tokenOf("staff");
    const off = await oneDelivery("https://disabled.example/hooks");
    await callBrand("PATCH", `/v1/webhooks/endpoints/${off.endpoint.id}`, auth, { status: "disabled" });
    const offResult = await deliver(off.deliveryId);
    expect(offResult.explicitAcks).toHaveLength(1);
    expect(await delivery(off.deliveryId)).toMatchObject({ status: "dead", last_error: "endpoint disabled" });
    expect(await attemptsOf(off.deliveryId)).toEqual([]);

    const gone = await oneDelivery("https://deleted.example/hooks");
    await callBrand("DELETE", `/v1/webhooks/endpoints/${gone.endpoint.id}`, auth);
    const goneResult = await deliver(gone.deliveryId);
    expect(goneResult.explicitAcks).toHaveLength(1);
    expect(goneResult.retryMessages).toEqual([]);
    expect(await delivery(gone.deliveryId)).toBeNull();

    const junk = await runQueue("fun-webhooks", [message({ hello: "world" })]);
    expect(junk.explicitAcks).toHaveLength(1);
    expect(receivers.received).toEqual([]);
  });

  it("signs with the rotated secret from the next attempt on", async () => {
    const { endpoint, deliveryId } = await oneDelivery();
    const response = await callBrand(
      "POST",
      `/v1/webhooks/endpoints/${endpoint.id}:rotateSecret`,
      await tokenOf("staff"),
      {},
    );
    const { secret } = (await response.json()) as { secret: string };
    await deliver(deliveryId);
    const [request] = receivers.received;
    if (!request) throw new Error("no request");
    expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(request.body, request.headers)).toThrow();
  });
});
