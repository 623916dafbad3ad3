import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import type { CloudEvent } from "@fun/events";
import { accessToken, bearer, callBrand, callWorker, newPerson } from "@fun/testing";
import { expect } from "vitest";
import { consumeEvents } from "../events/events.consumer";

// Helpers for this feature's tests: people on brands, posts, events and what they notified.

export type Brand = keyof typeof SEED.tenants;

export const tenantIdOf = (brand: Brand) => SEED.tenants[brand].id;

/** A new person shown on every brand, with a bearer for each brand. */
export async function someone(options: { creator?: boolean } = {}) {
  const person = await newPerson({ present: true, ...options });
  const auth = async (brand: Brand = "girlfanz") =>
    bearer(await accessToken({ accountId: person.id, brand }));
  return { ...person, auth };
}

export type Someone = Awaited<ReturnType<typeof someone>>;

export async function follow(fan: Someone, target: Someone, brand: Brand = "girlfanz") {
  const response = await callBrand(
    "POST",
    `/v1/profiles/${target.profileId}/follow`,
    await fan.auth(brand),
    undefined,
    brand,
  );
  expect(response.status).toBe(200);
}

/** A public post by `creator` on girlfanz, not yet published; answers its id. */
export async function draftPost(creator: Someone): Promise<string> {
  const created = await callBrand("POST", "/v1/content", await creator.auth(), {
    title: "A post",
    visibility: "public",
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

export async function publish(creator: Someone, contentId: string) {
  const response = await callBrand("POST", `/v1/content/${contentId}:publish`, await creator.auth(), {});
  expect(response.status).toBe(200);
}

/** A public post by `creator`, published on girlfanz; answers its id. */
export async function publishedPost(creator: Someone): Promise<string> {
  const id = await draftPost(creator);
  await publish(creator, id);
  return id;
}

export async function crosspost(creator: Someone, contentId: string, tenants: Brand[]) {
  const response = await callBrand("POST", `/v1/content/${contentId}:crosspost`, await creator.auth(), {
    tenants,
  });
  expect(response.status).toBe(200);
}

export async function setVisible(profileId: string, brand: Brand, visible: boolean) {
  await env.DB.prepare("UPDATE profile_tenant SET is_visible = ? WHERE profile_id = ? AND tenant_id = ?")
    .bind(visible ? 1 : 0, profileId, tenantIdOf(brand))
    .run();
}

/** The events of a type in the outbox whose data has `field` = `value`, oldest first. */
export async function outboxEvents(type: string, field: string, value: string): Promise<CloudEvent[]> {
  const { results } = await env.DB.prepare(
    `SELECT payload FROM outbox WHERE type = ? AND json_extract(payload, '$.data.${field}') = ? ORDER BY created_at`,
  )
    .bind(type, value)
    .all<{ payload: string }>();
  return results.map((row) => JSON.parse(row.payload) as CloudEvent);
}

/** The one event of a type about `value`; fails when there is not exactly one. */
export async function theEvent(type: string, field: string, value: string): Promise<CloudEvent> {
  const events = await outboxEvents(type, field, value);
  expect(events).toHaveLength(1);
  return events[0] as CloudEvent;
}

/**
 * Delivers an event to the events consumer, `copies` times in one batch, as the queue would (the
 * real queue may deliver it as well: consumers are idempotent). Once this returns it is applied.
 */
export async function deliver(event: CloudEvent, copies = 1) {
  const batch = createMessageBatch(
    "fun-events",
    Array.from({ length: copies }, (_, i) => ({
      id: `${event.id}-${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: 1,
      body: event,
    })),
  );
  const ctx = createExecutionContext();
  await consumeEvents(batch, env);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages).toEqual([]);
  expect(result.explicitAcks).toHaveLength(copies);
}

export interface StoredNotification {
  id: string;
  tenant_id: string;
  kind: string;
  actor_profile_id: string | null;
  subject_id: string | null;
  event_id: string;
}

/** Every notification of a profile on every brand, as stored. */
export async function storedNotifications(profileId: string): Promise<StoredNotification[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, tenant_id, kind, actor_profile_id, subject_id, event_id FROM notification WHERE profile_id = ? ORDER BY created_at, id",
  )
    .bind(profileId)
    .all<StoredNotification>();
  return results;
}

export interface DevPush {
  id: string;
  profileId: string;
  tenantId: string;
  title: string;
  body: string;
  url: string | null;
  createdAt: number;
}

/** The dev push log of a profile, newest first, as a developer reads it. */
export async function pushesTo(profileId: string): Promise<DevPush[]> {
  const response = await callWorker(`/dev/push?profile=${profileId}`, { host: "auth.localhost" });
  expect(response.status).toBe(200);
  return ((await response.json()) as { pushes: DevPush[] }).pushes;
}
