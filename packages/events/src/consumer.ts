import { type CoreDb, eventReceipt } from "@fun/db";
import type { BatchItem } from "drizzle-orm/batch";
import type { CloudEvent } from "./envelope";

/** What a consumer does with one event: the writes to make, applied atomically with its receipt. */
export interface EventProjection {
  /** Names the consumer in `event_receipt`; never rename one that has run in production. */
  consumer: string;
  /** Whether this consumer cares about the event. */
  accepts(event: CloudEvent): boolean;
  /** The writes that apply the event; empty when there is nothing to do. */
  writes(event: CloudEvent, db: CoreDb): BatchItem<"sqlite">[];
}

export type ApplyOutcome = "applied" | "duplicate" | "skipped";

function isReceiptConflict(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if (current instanceof Error && /UNIQUE constraint failed: event_receipt\./.test(current.message))
      return true;
  }
  return false;
}

/**
 * Applies an event exactly once per consumer. The receipt insert runs first in the same batch as the
 * writes; a redelivered event hits the receipt's primary key, the whole batch rolls back, and the
 * event counts as already applied.
 */
export async function applyOnce(
  db: CoreDb,
  projection: EventProjection,
  event: CloudEvent,
): Promise<ApplyOutcome> {
  if (!projection.accepts(event)) return "skipped";
  const receipt = db
    .insert(eventReceipt)
    .values({ consumer: projection.consumer, eventId: event.id, receivedAt: Date.now() });
  try {
    await db.batch([receipt, ...projection.writes(event, db)]);
    return "applied";
  } catch (error) {
    if (isReceiptConflict(error)) return "duplicate";
    throw error;
  }
}
