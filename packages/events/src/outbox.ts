import { type CoreDb, outbox } from "@fun/db";
import type { CloudEvent } from "./envelope";

/**
 * The outbox row for an event, to put in the same `db.batch` as the change it describes: either both
 * are written or neither is, so an event is never lost and never announces a change that did not happen.
 */
export function outboxInsert(db: CoreDb, event: CloudEvent) {
  const now = Date.now();
  return db.insert(outbox).values({
    id: event.id,
    tenantId: event.tenantid ?? null,
    type: event.type,
    payload: event,
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
  });
}

export interface RelayOptions {
  /** At most this many events per call (a queue batch takes at most 100 messages). */
  limit?: number;
  now?: number;
  /** How long a claimed row is hidden from other relays while this one sends it. */
  leaseMs?: number;
}

export interface RelayResult {
  claimed: number;
  sent: number;
  failed: number;
}

const MAX_BACKOFF_MS = 15 * 60 * 1000;

/**
 * Sends pending outbox rows to the events queue. Rows are claimed with one atomic UPDATE … RETURNING
 * (so two relays running at once do not both send a row while the lease holds), sent as one queue
 * batch, then marked sent. A failed send leaves them pending with exponential backoff; the cron relay
 * picks them up again. Delivery is at least once: consumers deduplicate by event id.
 */
export async function relayOutbox(
  db: D1Database,
  queue: Queue,
  options: RelayOptions = {},
): Promise<RelayResult> {
  const now = options.now ?? Date.now();
  const limit = Math.min(options.limit ?? 100, 100);
  const leaseMs = options.leaseMs ?? 30_000;
  const claimed = await db
    .prepare(
      `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?1
       WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?2
                    ORDER BY next_attempt_at LIMIT ?3)
       RETURNING id, payload`,
    )
    .bind(now + leaseMs, now, limit)
    .all<{ id: string; payload: string }>();
  const rows = claimed.results;
  if (rows.length === 0) return { claimed: 0, sent: 0, failed: 0 };

  const ids = JSON.stringify(rows.map((row) => row.id));
  try {
    await queue.sendBatch(
      rows.map((row) => ({ body: JSON.parse(row.payload), contentType: "json" as const })),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await db
      .prepare(
        `UPDATE outbox SET last_error = ?1, next_attempt_at = ?2 + min(?3, 1000 * (1 << min(attempts, 20)))
         WHERE id IN (SELECT value FROM json_each(?4))`,
      )
      .bind(reason.slice(0, 500), now, MAX_BACKOFF_MS, ids)
      .run();
    return { claimed: rows.length, sent: 0, failed: rows.length };
  }
  await db
    .prepare(
      "UPDATE outbox SET sent_at = ?1, last_error = NULL WHERE id IN (SELECT value FROM json_each(?2))",
    )
    .bind(Date.now(), ids)
    .run();
  return { claimed: rows.length, sent: rows.length, failed: 0 };
}

/** Relays until nothing is due or a send fails; for the cron sweep. */
export async function drainOutbox(db: D1Database, queue: Queue, options: Omit<RelayOptions, "limit"> = {}) {
  const total: RelayResult = { claimed: 0, sent: 0, failed: 0 };
  for (;;) {
    const result = await relayOutbox(db, queue, options);
    total.claimed += result.claimed;
    total.sent += result.sent;
    total.failed += result.failed;
    if (result.claimed < 100 || result.failed > 0) return total;
  }
}

/** Deletes sent rows older than the retention window; the queue and consumers already have them. */
export async function pruneOutbox(
  db: D1Database,
  retentionMs: number,
  now: number = Date.now(),
): Promise<number> {
  const result = await db
    .prepare("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?1")
    .bind(now - retentionMs)
    .run();
  return result.meta.changes ?? 0;
}
