import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createCoreDb, deadLetter, eventDailyCount, eventReceipt, outbox, tenant } from "@fun/db";
import { type CloudEvent, createEvent, OutboxWriter, relayOutbox } from "@fun/events";
import { eventually, gatewayRequest } from "@fun/testing";
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createGatewayApp } from "../../app";
import worker from "../../index";

const db = createCoreDb(env.DB);
let girlfanzId: string;

beforeEach(async () => {
  const row = await db.select({ id: tenant.id }).from(tenant).where(eq(tenant.slug, "girlfanz")).get();
  girlfanzId = row?.id ?? "";
  expect(girlfanzId).toMatch(/^ten_/);
});

function publishedEvent(tenantId = girlfanzId): CloudEvent {
  return createEvent(
    "fun.content.published",
    { contentId: "cnt_x", creatorId: "prf_x", tenantId: "girlfanz" },
    { tenantId },
  );
}

async function outboxRow(id: string) {
  return db.select().from(outbox).where(eq(outbox.id, id)).get();
}

// Rows persist across the tests of one file, so counts are compared before and after.
async function publishedCount(): Promise<number> {
  const row = await db
    .select({ count: eventDailyCount.count })
    .from(eventDailyCount)
    .where(and(eq(eventDailyCount.tenantId, girlfanzId), eq(eventDailyCount.type, "fun.content.published")))
    .get();
  return row?.count ?? 0;
}

/** Resolves once the daily-count consumer has applied the event (its receipt exists). */
function appliedByConsumer(eventId: string) {
  return eventually(async () => {
    const row = await db
      .select()
      .from(eventReceipt)
      .where(and(eq(eventReceipt.consumer, "analytics.daily-count"), eq(eventReceipt.eventId, eventId)))
      .get();
    return row ?? undefined;
  });
}

/** A queue whose sends fail, standing in for a queue outage. */
const unavailableQueue = {
  send: () => Promise.reject(new Error("queue unavailable")),
  sendBatch: () => Promise.reject(new Error("queue unavailable")),
} as unknown as Queue;

describe("the outbox", () => {
  it("writes the event in the same batch as the change, so a failed change leaves no event", async () => {
    const event = publishedEvent();
    const failing = db.batch([
      db.update(tenant).set({ name: "Renamed" }).where(eq(tenant.id, girlfanzId)),
      new OutboxWriter(db).insert(event),
      db.run(sql`insert into tenant (id, slug, name, settings) values (null, null, null, null)`),
    ]);
    await expect(failing).rejects.toThrow();
    expect(await outboxRow(event.id)).toBeUndefined();
    const unchanged = await db
      .select({ name: tenant.name })
      .from(tenant)
      .where(eq(tenant.id, girlfanzId))
      .get();
    expect(unchanged?.name).toBe("GirlFanz");
  });

  it("relays an event right after the request that wrote it, and the consumer applies it", async () => {
    const event = publishedEvent();
    const before = await publishedCount();
    const app = createGatewayApp({
      extraRoutes: (a) =>
        a.post("/v1/test/publish", async (c) => {
          const { db: requestDb, outbox: writer } = c.get("services");
          await requestDb.batch([
            requestDb.update(tenant).set({ name: "GirlFanz" }).where(eq(tenant.id, girlfanzId)),
            writer.insert(event),
          ]);
          return c.body(null, 204);
        }),
    });
    const ctx = createExecutionContext();
    const response = await app.fetch(gatewayRequest("/v1/test/publish", { method: "POST" }), env, ctx);
    expect(response.status).toBe(204);
    await waitOnExecutionContext(ctx);
    const row = await outboxRow(event.id);
    expect(row?.sentAt).toBeTypeOf("number");
    expect(row?.attempts).toBe(1);
    await appliedByConsumer(event.id);
    expect(await publishedCount()).toBe(before + 1);
  });

  it("keeps an event whose first send failed and delivers it from the cron sweep", async () => {
    const event = publishedEvent();
    const before = await publishedCount();
    await db.batch([new OutboxWriter(db).insert(event)]);

    const first = await relayOutbox(env.DB, unavailableQueue);
    expect(first).toEqual({ claimed: 1, sent: 0, failed: 1 });
    const pending = await outboxRow(event.id);
    expect(pending?.sentAt).toBeNull();
    expect(pending?.lastError).toBe("queue unavailable");
    expect(pending?.nextAttemptAt).toBeGreaterThan(Date.now());

    // Backing off: a sweep right away does not send it again.
    await worker.scheduled(createScheduledController(), env, createExecutionContext());
    expect((await outboxRow(event.id))?.sentAt).toBeNull();

    // Time passes beyond the backoff; the next sweep delivers it.
    await db
      .update(outbox)
      .set({ nextAttemptAt: Date.now() - 1 })
      .where(eq(outbox.id, event.id));
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    const delivered = await outboxRow(event.id);
    expect(delivered?.sentAt).toBeTypeOf("number");
    expect(delivered?.attempts).toBe(2);
    await appliedByConsumer(event.id);
    expect(await publishedCount()).toBe(before + 1);
  });

  it("does not let two relays running at once send the same row twice", async () => {
    const events = [publishedEvent(), publishedEvent(), publishedEvent()];
    const writer = new OutboxWriter(db);
    await db.batch([
      writer.insert(events[0] as CloudEvent),
      writer.insert(events[1] as CloudEvent),
      writer.insert(events[2] as CloudEvent),
    ]);
    const sent: unknown[] = [];
    const countingQueue = {
      sendBatch: async (messages: MessageSendRequest[]) => {
        sent.push(...messages.map((m) => (m.body as CloudEvent).id));
        await env.EVENTS.sendBatch(messages);
      },
    } as unknown as Queue;
    const [a, b] = await Promise.all([
      relayOutbox(env.DB, countingQueue),
      relayOutbox(env.DB, countingQueue),
    ]);
    expect(a.claimed + b.claimed).toBe(3);
    expect([...sent].sort()).toEqual(events.map((e) => e.id).sort());
  });
});

describe("the events consumer", () => {
  function message(id: string, body: unknown, attempts = 1) {
    return { id, timestamp: new Date(), attempts, body };
  }

  it("applies a duplicated delivery once and acknowledges both copies", async () => {
    const event = publishedEvent();
    const before = await publishedCount();
    const batch = createMessageBatch("fun-events", [message("m1", event), message("m2", event)]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    expect(await publishedCount()).toBe(before + 1);

    // A redelivery later (after a crash before the ack, say) changes nothing either.
    const again = createMessageBatch("fun-events", [message("m1", event, 2)]);
    await worker.queue(again, env);
    expect(await publishedCount()).toBe(before + 1);
  });

  it("counts distinct events separately", async () => {
    const before = await publishedCount();
    const batch = createMessageBatch("fun-events", [
      message("a", publishedEvent()),
      message("b", publishedEvent()),
    ]);
    await worker.queue(batch, env);
    expect(await publishedCount()).toBe(before + 2);
  });

  it("dead-letters a message that is not a valid event instead of retrying it forever", async () => {
    const batch = createMessageBatch("fun-events", [message("bad-1", { hello: "world" })]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["bad-1"]);
    const row = await db.select().from(deadLetter).where(eq(deadLetter.messageId, "bad-1")).get();
    expect(row?.queue).toBe("fun-events");
  });

  it("keeps messages that exhausted their retries from the dead-letter queue, once each", async () => {
    const event = publishedEvent();
    for (let i = 0; i < 2; i++) {
      await worker.queue(createMessageBatch("fun-events-dlq", [message("dlq-1", event, 6)]), env);
    }
    const rows = await db.select().from(deadLetter).where(eq(deadLetter.messageId, "dlq-1"));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.attempts).toBe(6);
  });
});
