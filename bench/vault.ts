/**
 * The vault benchmark (`vault`), run by `npm run bench` on its own worker (bench/vault) over the
 * stack's state: the full delivery path (token, entitlement, decryption of `fun-vault/v1` chunks)
 * against a plain R2 passthrough route of the same worker, for a 10 MiB and a 1 KiB object, in
 * alternating rounds. Targets: the full path keeps ≥ 80% of the passthrough's throughput at 10 MiB,
 * and its checks add ≤ 2 ms to p99 at 1 KiB.
 */
import autocannon from "autocannon";
import { type DevServer, httpRequest } from "../scripts/stack";
import { type AuthBenchSettings, startBenchWorker } from "./auth";

export const VAULT_THROUGHPUT_TARGET = 0.8;
export const VAULT_P99_BUDGET_MS = 2;
const HOST = "media.girlfanz.localhost";

interface Measured {
  rps: number;
  mibps: number;
  p50: number;
  p99: number;
  failed: number;
}

export function startVaultBench(persistTo: string, logFile: string): Promise<DevServer & { port: number }> {
  return startBenchWorker({
    config: "bench/vault/wrangler.toml",
    logFile,
    persistTo,
    ready: { host: "localhost", path: "/bench/ready" },
  });
}

async function hammer(port: number, path: string, seconds: number, connections: number): Promise<Measured> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    headers: { host: HOST },
    connections,
    duration: seconds,
  });
  return {
    rps: result.requests.total / result.duration,
    mibps: result.throughput.average / (1024 * 1024),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const summary = (rounds: Measured[]) => ({
  rps: Math.round(median(rounds.map((r) => r.rps)) * 10) / 10,
  mibps: Math.round(median(rounds.map((r) => r.mibps)) * 10) / 10,
  p50: median(rounds.map((r) => r.p50)),
  p99: median(rounds.map((r) => r.p99)),
});

export async function benchVault(port: number, settings: AuthBenchSettings) {
  const response = await httpRequest({
    port,
    host: HOST,
    path: "/bench/setup",
    method: "POST",
    timeoutMs: 120_000,
  });
  if (response.status !== 200)
    throw new Error(`vault bench setup answered ${response.status}: ${response.body.slice(0, 300)}`);
  const paths = JSON.parse(response.body) as Record<"1k" | "10m", { full: string; plain: string }>;
  const results: Record<
    string,
    { full: ReturnType<typeof summary>; plain: ReturnType<typeof summary>; failed: number }
  > = {};
  for (const size of ["10m", "1k"] as const) {
    // Big objects: fewer connections, so the machine's memory bandwidth, not queueing, is measured.
    const connections = size === "10m" ? Math.min(8, settings.connections) : settings.connections;
    await hammer(port, paths[size].plain, settings.warmupS, connections);
    await hammer(port, paths[size].full, settings.warmupS, connections);
    const full: Measured[] = [];
    const plain: Measured[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      plain.push(await hammer(port, paths[size].plain, settings.durationS, connections));
      full.push(await hammer(port, paths[size].full, settings.durationS, connections));
      settings.log(
        `[bench] vault ${size} round ${round}/${settings.rounds}: passthrough ${Math.round(plain.at(-1)?.rps ?? 0)} rps, full path ${Math.round(full.at(-1)?.rps ?? 0)} rps`,
      );
    }
    results[size] = {
      full: summary(full),
      plain: summary(plain),
      failed: [...full, ...plain].reduce((n, r) => n + r.failed, 0),
    };
  }
  const big = results["10m"];
  const small = results["1k"];
  const throughputRatio = big ? Math.round((big.full.rps / big.plain.rps) * 1000) / 1000 : 0;
  const addedP99Ms = small ? small.full.p99 - small.plain.p99 : Number.POSITIVE_INFINITY;
  const failed = Object.values(results).reduce((n, r) => n + r.failed, 0);
  return {
    scenario: "vault",
    sizes: results,
    throughputRatio,
    addedP99Ms,
    target: { throughputRatio: VAULT_THROUGHPUT_TARGET, addedP99Ms: VAULT_P99_BUDGET_MS },
    pass: throughputRatio >= VAULT_THROUGHPUT_TARGET && addedP99Ms <= VAULT_P99_BUDGET_MS && failed === 0,
    failedRequests: failed,
  };
}
