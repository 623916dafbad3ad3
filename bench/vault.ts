/**
 * The vault benchmark (`vault`), run by `npm run bench` on its own worker (bench/vault) over the
 * stack's state: the full delivery path (token, entitlement, decryption of `fun-vault/v1` chunks)
 * against a plain R2 passthrough route of the same worker, for a 10 MiB and a 1 KiB object, in
 * alternating rounds. Targets: the full path keeps ≥ 80% of the passthrough's throughput at 10 MiB,
 * and its checks add ≤ 2 ms to p99 at 1 KiB.
 */
import { Agent, request } from "node:http";
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
  // 10 MiB: throughput under load, fewer connections so memory bandwidth, not queueing, is measured.
  const connections = Math.min(8, settings.connections);
  const big = paths["10m"];
  await hammer(port, big.plain, settings.warmupS, connections);
  await hammer(port, big.full, settings.warmupS, connections);
  const full: Measured[] = [];
  const plain: Measured[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    plain.push(await hammer(port, big.plain, settings.durationS, connections));
    full.push(await hammer(port, big.full, settings.durationS, connections));
    settings.log(
      `[bench] vault 10m round ${round}/${settings.rounds}: passthrough ${Math.round(plain.at(-1)?.rps ?? 0)} rps, full path ${Math.round(full.at(-1)?.rps ?? 0)} rps`,
    );
  }
  const bigResult = {
    full: summary(full),
    plain: summary(plain),
    failed: [...full, ...plain].reduce((n, r) => n + r.failed, 0),
  };

  // 1 KiB: what the checks add to each request, measured one request at a time (under load, queueing
  // behind other requests would multiply any per-request cost by the queue's length), full path and
  // passthrough interleaved request by request so drift in the machine's load hits both alike.
  const small = paths["1k"];
  await latencies(port, [small.plain, small.full], Math.max(200, settings.warmupS * 100));
  const samples = await latencies(
    port,
    [small.plain, small.full],
    Math.max(1000, settings.durationS * settings.rounds * 100),
  );
  const [plainMs = [], fullMs = []] = samples.times;
  const smallResult = {
    full: percentiles(fullMs),
    plain: percentiles(plainMs),
    requests: fullMs.length + plainMs.length,
    failed: samples.failed,
  };
  settings.log(
    `[bench] vault 1k: passthrough p50 ${smallResult.plain.p50} ms p99 ${smallResult.plain.p99} ms; full path p50 ${smallResult.full.p50} ms p99 ${smallResult.full.p99} ms`,
  );

  const throughputRatio = Math.round((bigResult.full.rps / bigResult.plain.rps) * 1000) / 1000;
  const addedP99Ms = Math.round((smallResult.full.p99 - smallResult.plain.p99) * 100) / 100;
  const failed = bigResult.failed + smallResult.failed;
  return {
    scenario: "vault",
    sizes: { "10m": bigResult, "1k": smallResult },
    throughputRatio,
    addedP99Ms,
    target: { throughputRatio: VAULT_THROUGHPUT_TARGET, addedP99Ms: VAULT_P99_BUDGET_MS },
    pass: throughputRatio >= VAULT_THROUGHPUT_TARGET && addedP99Ms <= VAULT_P99_BUDGET_MS && failed === 0,
    failedRequests: failed,
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One GET, timed from send to the last byte of the body. */
function timedGet(port: number, path: string): Promise<{ ms: number; ok: boolean }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request({ host: "127.0.0.1", port, path, agent, headers: { host: HOST } }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve({ ms: performance.now() - start, ok: res.statusCode === 200 }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** `count` rounds of one request to each path in turn, over one kept-alive connection. */
async function latencies(port: number, paths: string[], count: number) {
  const times: number[][] = paths.map(() => []);
  let failed = 0;
  for (let i = 0; i < count; i++) {
    for (const [k, path] of paths.entries()) {
      const { ms, ok } = await timedGet(port, path);
      times[k]?.push(ms);
      if (!ok) failed++;
    }
  }
  return { times, failed };
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) / 100;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}
