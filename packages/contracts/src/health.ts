/** The state of one dependency a worker checked. */
export interface CheckResult {
  status: "ok" | "down";
  latencyMs: number;
  /** Why it is down; a short, non-secret reason. */
  detail?: string;
}

/** What a worker reports about itself over RPC. */
export interface HealthReport {
  service: string;
  status: "ok" | "down";
  checks: Record<string, CheckResult>;
}

/** The RPC surface every internal worker offers its callers. */
export interface InternalWorker {
  health(): Promise<HealthReport>;
}

/**
 * Runs a worker's dependency checks side by side and folds them into one report. A check passes by
 * resolving and fails by throwing; the thrown message becomes the (non-secret) detail.
 */
export async function runHealthChecks(
  service: string,
  checks: Record<string, () => Promise<unknown>>,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const started = performance.now();
      try {
        await check();
        return [name, { status: "ok", latencyMs: elapsed(started) }];
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return [name, { status: "down", latencyMs: elapsed(started), detail }];
      }
    }),
  );
  const results = Object.fromEntries(entries);
  const status = entries.every(([, result]) => result.status === "ok") ? "ok" : "down";
  return { service, status, checks: results };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** Checks a D1 database answers a trivial query. */
export async function checkD1(db: D1Database): Promise<void> {
  await db.prepare("select 1").first();
}

/** Checks an R2 bucket answers; a missing object is a healthy answer. */
export async function checkR2(bucket: R2Bucket): Promise<void> {
  await bucket.head("health/probe");
}
