import { newId } from "@fun/core";
import { type CoreDb, newIdSql, tenant, webhookAttempt, webhookDelivery, webhookEndpoint } from "@fun/db";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";

/**
 * The only place that reads or writes the webhook tables. Endpoint queries are scoped by tenant; the
 * delivery queries the queue consumers make are keyed by delivery id, which only our own queue carries.
 */

export type EndpointRow = typeof webhookEndpoint.$inferSelect;
export type DeliveryRow = typeof webhookDelivery.$inferSelect;
export type AttemptRow = typeof webhookAttempt.$inferSelect;
export type EndpointChanges = Partial<Pick<EndpointRow, "url" | "description" | "eventTypes" | "status">>;

const inTenant = (tenantId: string, id: string) =>
  and(eq(webhookEndpoint.id, id), eq(webhookEndpoint.tenantId, tenantId));

export function insertEndpoint(db: CoreDb, row: typeof webhookEndpoint.$inferInsert) {
  return db.insert(webhookEndpoint).values(row).returning().get();
}

/** The brand's endpoints, oldest first. */
export function listEndpoints(db: CoreDb, tenantId: string): Promise<EndpointRow[]> {
  return db
    .select()
    .from(webhookEndpoint)
    .where(eq(webhookEndpoint.tenantId, tenantId))
    .orderBy(asc(webhookEndpoint.createdAt), asc(webhookEndpoint.id))
    .all();
}

/** The endpoint if it belongs to the brand; another brand's id reads as absent. */
export function findEndpoint(db: CoreDb, tenantId: string, id: string): Promise<EndpointRow | undefined> {
  return db.select().from(webhookEndpoint).where(inTenant(tenantId, id)).get();
}

export function updateEndpoint(
  db: CoreDb,
  tenantId: string,
  id: string,
  changes: EndpointChanges & { secretSealed?: string },
): Promise<EndpointRow | undefined> {
  return db
    .update(webhookEndpoint)
    .set({ ...changes, updatedAt: Date.now() })
    .where(inTenant(tenantId, id))
    .returning()
    .get();
}

/** Deletes the endpoint and, by cascade, its delivery log. False when the brand has no such endpoint. */
export async function deleteEndpoint(db: CoreDb, tenantId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(webhookEndpoint)
    .where(inTenant(tenantId, id))
    .returning({ id: webhookEndpoint.id });
  return deleted.length > 0;
}

/**
 * One pending delivery per active endpoint of the event's brand that wants its type (an empty type
 * list wants every type), as a batch item for the fan-out projection. The body is `body` with
 * `data.tenant` set to the brand's slug. Delivery ids (`msg_…`) are made in SQL (`newIdSql`)
 * because one statement makes them all.
 * A delivery that already exists for an endpoint and event is left alone.
 */
export function insertDeliveries(
  db: CoreDb,
  event: { id: string; type: string; tenantId: string },
  body: string,
  now: number,
) {
  const wantsType = sql`(json_array_length(${webhookEndpoint.eventTypes}) = 0 OR EXISTS
    (SELECT 1 FROM json_each(${webhookEndpoint.eventTypes}) WHERE json_each.value = ${event.type}))`;
  // Fields in the table's column order: drizzle checks it.
  const rows = db
    .select({
      id: newIdSql("webhookDelivery", now).as("id"),
      endpointId: webhookEndpoint.id,
      tenantId: webhookEndpoint.tenantId,
      eventId: sql<string>`${event.id}`.as("event_id"),
      eventType: sql<string>`${event.type}`.as("event_type"),
      payload: sql<string>`json_set(${body}, '$.data.tenant', ${tenant.slug})`.as("payload"),
      status: sql<"pending">`'pending'`.as("status"),
      attempts: sql<number>`0`.as("attempts"),
      nextAttemptAt: sql<number>`${now}`.as("next_attempt_at"),
      lastStatusCode: sql<null>`null`.as("last_status_code"),
      lastError: sql<null>`null`.as("last_error"),
      createdAt: sql<number>`${now}`.as("created_at"),
      updatedAt: sql<number>`${now}`.as("updated_at"),
    })
    .from(webhookEndpoint)
    .innerJoin(tenant, eq(tenant.id, webhookEndpoint.tenantId))
    .where(
      and(eq(webhookEndpoint.tenantId, event.tenantId), eq(webhookEndpoint.status, "active"), wantsType),
    );
  return db
    .insert(webhookDelivery)
    .select(rows)
    .onConflictDoNothing({ target: [webhookDelivery.endpointId, webhookDelivery.eventId] });
}

/** Ids of the event's deliveries that were never tried: what still needs a queue message. */
export async function untriedDeliveryIds(db: CoreDb, tenantId: string, eventId: string): Promise<string[]> {
  // Through the brand's endpoints, so the lookup uses the (endpoint_id, event_id) unique index.
  const rows = await db
    .select({ id: webhookDelivery.id })
    .from(webhookDelivery)
    .where(
      and(
        inArray(
          webhookDelivery.endpointId,
          db
            .select({ id: webhookEndpoint.id })
            .from(webhookEndpoint)
            .where(eq(webhookEndpoint.tenantId, tenantId)),
        ),
        eq(webhookDelivery.eventId, eventId),
        eq(webhookDelivery.status, "pending"),
        eq(webhookDelivery.attempts, 0),
      ),
    )
    .all();
  return rows.map((row) => row.id);
}

/** A delivery with what sending it needs from its endpoint; undefined when either is gone. */
export async function findDeliveryToSend(db: CoreDb, deliveryId: string) {
  return db
    .select({
      delivery: webhookDelivery,
      endpoint: {
        id: webhookEndpoint.id,
        url: webhookEndpoint.url,
        status: webhookEndpoint.status,
        secretSealed: webhookEndpoint.secretSealed,
      },
    })
    .from(webhookDelivery)
    .innerJoin(webhookEndpoint, eq(webhookEndpoint.id, webhookDelivery.endpointId))
    .where(eq(webhookDelivery.id, deliveryId))
    .get();
}

/**
 * Takes the next attempt of a pending delivery that is due (allowing `earlyMs` of clock skew), and
 * leases it until `leaseUntil` so a duplicate queue message does not send it at the same time.
 * Returns the attempt number, or undefined when the delivery is not pending or not due.
 */
export async function claimAttempt(
  db: CoreDb,
  deliveryId: string,
  now: number,
  leaseUntil: number,
  earlyMs: number,
): Promise<number | undefined> {
  const claimed = await db
    .update(webhookDelivery)
    .set({ attempts: sql`${webhookDelivery.attempts} + 1`, nextAttemptAt: leaseUntil, updatedAt: now })
    .where(
      and(
        eq(webhookDelivery.id, deliveryId),
        eq(webhookDelivery.status, "pending"),
        sql`coalesce(${webhookDelivery.nextAttemptAt}, 0) <= ${now + earlyMs}`,
      ),
    )
    .returning({ attempts: webhookDelivery.attempts })
    .get();
  return claimed?.attempts;
}

export interface AttemptOutcome {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: number;
  /** What the delivery becomes: succeeded, or still pending until `nextAttemptAt`. */
  status: "succeeded" | "pending";
  nextAttemptAt: number | null;
}

/** Logs one HTTP try and moves the delivery on, in one batch. */
export async function recordAttempt(db: CoreDb, deliveryId: string, outcome: AttemptOutcome): Promise<void> {
  await db.batch([
    db.insert(webhookAttempt).values({
      id: newId("webhookAttempt", outcome.attemptedAt),
      deliveryId,
      attempt: outcome.attempt,
      statusCode: outcome.statusCode,
      error: outcome.error,
      durationMs: outcome.durationMs,
      attemptedAt: outcome.attemptedAt,
    }),
    db
      .update(webhookDelivery)
      .set({
        status: outcome.status,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        nextAttemptAt: outcome.nextAttemptAt,
        updatedAt: Date.now(),
      })
      .where(and(eq(webhookDelivery.id, deliveryId), eq(webhookDelivery.status, "pending"))),
  ]);
}

/** Gives up on a pending delivery; a delivery that already succeeded or died is left as it is. */
export async function markDeliveryDead(db: CoreDb, deliveryId: string, reason: string): Promise<boolean> {
  const dead = await db
    .update(webhookDelivery)
    .set({ status: "dead", lastError: reason, nextAttemptAt: null, updatedAt: Date.now() })
    .where(and(eq(webhookDelivery.id, deliveryId), eq(webhookDelivery.status, "pending")))
    .returning({ id: webhookDelivery.id });
  return dead.length > 0;
}

export interface DeliveryCursor {
  createdAt: number;
  id: string;
}

/** A page of an endpoint's deliveries, newest first, each with its attempts in order. */
export async function deliveryPage(
  db: CoreDb,
  endpointId: string,
  options: { cursor?: DeliveryCursor; limit: number },
): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] }[]> {
  const after = options.cursor
    ? sql`(${webhookDelivery.createdAt}, ${webhookDelivery.id}) < (${options.cursor.createdAt}, ${options.cursor.id})`
    : undefined;
  const deliveries = await db
    .select()
    .from(webhookDelivery)
    .where(and(eq(webhookDelivery.endpointId, endpointId), after))
    .orderBy(desc(webhookDelivery.createdAt), desc(webhookDelivery.id))
    .limit(options.limit)
    .all();
  if (deliveries.length === 0) return [];
  const attempts = await db
    .select()
    .from(webhookAttempt)
    .where(
      inArray(
        webhookAttempt.deliveryId,
        deliveries.map((d) => d.id),
      ),
    )
    .orderBy(asc(webhookAttempt.deliveryId), asc(webhookAttempt.attempt))
    .all();
  return deliveries.map((delivery) => ({
    delivery,
    attempts: attempts.filter((a) => a.deliveryId === delivery.id),
  }));
}
