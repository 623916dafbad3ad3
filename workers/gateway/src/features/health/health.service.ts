import { checkD1, type HealthReport, type InternalWorker, runHealthChecks } from "@fun/contracts";

/** How long the gateway waits for an internal worker's report before counting it as down. */
export const HEALTH_RPC_TIMEOUT_MS = 2_000;

export interface PlatformHealth {
  status: "ok" | "degraded";
  services: Record<string, HealthReport>;
}

async function askWorker(service: string, worker: InternalWorker): Promise<HealthReport> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${HEALTH_RPC_TIMEOUT_MS} ms`)),
      HEALTH_RPC_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([worker.health(), timeout]);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const latencyMs = Math.round(performance.now() - started);
    return { service, status: "down", checks: { rpc: { status: "down", latencyMs, detail } } };
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/** The gateway's own checks plus each internal worker's report, asked over RPC side by side. */
export async function platformHealth(env: Env): Promise<PlatformHealth> {
  const [gateway, media, vault, compliance] = await Promise.all([
    runHealthChecks("gateway", { db: () => checkD1(env.DB) }),
    askWorker("media", env.MEDIA),
    askWorker("vault", env.VAULT),
    askWorker("compliance", env.COMPLIANCE),
  ]);
  const services = { gateway, media, vault, compliance };
  const status = Object.values(services).every((report) => report.status === "ok") ? "ok" : "degraded";
  return { status, services };
}
