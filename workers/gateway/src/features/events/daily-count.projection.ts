import { eventDailyCount } from "@fun/db";
import type { EventProjection } from "@fun/events";
import { sql } from "drizzle-orm";

/**
 * Counts events per brand, day (UTC) and type: the first analytics roll-up, read by insights and
 * dashboards. Platform-wide events (no tenant) are not counted here.
 */
export const dailyCountProjection: EventProjection = {
  consumer: "analytics.daily-count",
  accepts: (event) => Boolean(event.tenantid),
  writes: (event, db) => [
    db
      .insert(eventDailyCount)
      .values({ tenantId: event.tenantid ?? "", day: event.time.slice(0, 10), type: event.type, count: 1 })
      .onConflictDoUpdate({
        target: [eventDailyCount.tenantId, eventDailyCount.day, eventDailyCount.type],
        set: { count: sql`${eventDailyCount.count} + 1` },
      }),
  ],
};
