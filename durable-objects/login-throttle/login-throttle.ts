import { DurableObject } from "cloudflare:workers";

/** Whether a sign-in for this email may be tried now, and if not, when it may be. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Failures that cost nothing: a person mistyping a few times is never made to wait. */
export const FREE_FAILURES = 4;
/** The longest a lockout lasts. */
export const MAX_LOCKOUT_MS = 15 * 60 * 1000;
/** A streak of failures is forgotten once this long has passed since its last failure. */
export const FORGET_AFTER_MS = 60 * 60 * 1000;

/** How long sign-ins wait after the `failures`-th failure in a streak, in ms. */
export function lockoutMs(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - FREE_FAILURES - 1) * 1000, MAX_LOCKOUT_MS);
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS streak (
  id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL, last_failure_at INTEGER NOT NULL
)`;

type StreakRow = { failures: number; last_failure_at: number };

/**
 * Failed sign-ins for one email address and the growing back-off they earn; one object per
 * normalised (trimmed, lower-cased) address, named by it. Unknown addresses get an object too, so
 * the back-off cannot tell which addresses have accounts.
 *
 * Policy: the first 4 failures in a streak are free. The 5th locks sign-ins out for 1 second after
 * it, the 6th for 2, the 7th for 4 …, doubling up to 15 minutes (reached at the 15th). A success
 * ends the streak. A streak is forgotten an hour after its last failure — longer than the longest
 * lockout, so waiting a lockout out never earns a fresh set of free attempts: a guesser that keeps
 * going is held to one try per 15 minutes.
 *
 * Storage (SQLite in the object): `streak(id = 1, failures, last_failure_at)`, at most one row. An
 * alarm deletes it once forgotten, so objects for addresses tried once do not keep data.
 */
export class LoginThrottle extends DurableObject<object> {
  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
  }

  /** Whether a sign-in may be tried at `now` (epoch ms). */
  check(now: number = Date.now()): ThrottleDecision {
    const streak = this.#streak(now);
    const lockout = streak ? lockoutMs(streak.failures) : 0;
    if (!streak || lockout === 0) return { allowed: true };
    const until = streak.last_failure_at + lockout;
    if (now >= until) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil((until - now) / 1000) };
  }

  /** Counts a failed sign-in at `now`; answers whether the next one may be tried. */
  async recordFailure(now: number = Date.now()): Promise<ThrottleDecision> {
    const failures = (this.#streak(now)?.failures ?? 0) + 1;
    this.ctx.storage.sql.exec(
      `INSERT INTO streak (id, failures, last_failure_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at`,
      failures,
      now,
    );
    await this.ctx.storage.setAlarm(now + FORGET_AFTER_MS);
    return this.check(now);
  }

  /** A sign-in succeeded: the streak ends. */
  async recordSuccess(): Promise<void> {
    this.ctx.storage.sql.exec("DELETE FROM streak");
    await this.ctx.storage.deleteAlarm();
  }

  override async alarm(): Promise<void> {
    const row = this.#row();
    if (!row) return;
    const forgetAt = row.last_failure_at + FORGET_AFTER_MS;
    if (Date.now() >= forgetAt) this.ctx.storage.sql.exec("DELETE FROM streak");
    else await this.ctx.storage.setAlarm(forgetAt);
  }

  /** The current streak, unless it has been forgotten by `now`. */
  #streak(now: number): StreakRow | undefined {
    const row = this.#row();
    return row && now - row.last_failure_at < FORGET_AFTER_MS ? row : undefined;
  }

  #row(): StreakRow | undefined {
    return this.ctx.storage.sql
      .exec<StreakRow>("SELECT failures, last_failure_at FROM streak WHERE id = 1")
      .toArray()[0];
  }
}
