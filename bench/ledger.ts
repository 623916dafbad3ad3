/**
 * The creator ledger benchmark (`ledger`), run by `npm run bench` on its own worker (bench/ledger)
 * under `wrangler dev`: postings per second through Durable Object RPC (`recordSale`) into one
 * creator's `CreatorLedger`, and into 100 creators' ledgers at once, each side by side with a
 * baseline object that answers the same call with one SQLite insert.
 *
 * One `wrangler dev` runs every object in one workerd process, on one thread. Cloudflare spreads
 * objects over many machines; here the 100 creators are spread over one bench worker per core
 * (each with its own state, as objects on different machines), which is what lets them use this
 * machine's cores. The same 100 creators in one process are measured too, for reference.
 *
 * Targets: one ledger object ≥ 1,000 postings/s; 100 creators reach ≥ 80 % of linear scaling
 * (the one-object rate × the number of processes).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type DevServer, httpRequest } from "../scripts/stack";
import { type AuthBenchSettings, startBenchWorker } from "./auth";

export const LEDGER_POSTINGS_TARGET = 1000;
export const LEDGER_SCALING_TARGET = 0.8;
const CREATORS = 100;
const SINGLE_POSTINGS = Number(process.env.BENCH_LEDGER_POSTINGS ?? 5000);
/** Calls in flight: enough to keep one object busy, and ten per creator across 100. */
const SINGLE_INFLIGHT = 64;
const INFLIGHT_PER_CREATOR = 10;

type Target = "ledger" | "baseline";

interface Run {
  perSecond: number;
  ms: number;
  postings: number;
  failed: number;
}

/**
 * Where the bench workers keep their objects: in memory (tmpfs) when the machine has one. Local
 * Durable Object storage is SQLite files that sync on every commit, and one object's throughput is
 * bound by its commits, so on disk the figure would measure this machine's disk (and whoever else
 * is writing to it) rather than the ledger.
 */
function stateRoot(workDir: string): string {
  return existsSync("/dev/shm") ? "/dev/shm" : workDir;
}

/** One bench worker per core (at least one), each on its own state, removed when it stops. */
export async function startLedgerBench(workDir: string): Promise<(DevServer & { port: number })[]> {
  const processes = Math.max(1, availableParallelism());
  const state = await mkdtemp(join(stateRoot(workDir), "fun-bench-ledger-"));
  const servers = await Promise.all(
    Array.from({ length: processes }, (_, i) =>
      startBenchWorker({
        config: "bench/ledger/wrangler.toml",
        logFile: join(workDir, `ledger-${i}.log`),
        persistTo: join(state, String(i)),
        ready: { host: "localhost", path: "/bench/ready" },
      }),
    ),
  );
  let stopped: Promise<void> | undefined;
  const stopAll = () => {
    stopped ??= Promise.allSettled(servers.map((server) => server.stop())).then(() =>
      rm(state, { recursive: true, force: true }),
    );
    return stopped;
  };
  return servers.map((server) => ({ ...server, stop: stopAll }));
}

let runs = 0;

/**
 * Drives `postings` over `creators` objects from inside one bench worker, timed here around the
 * request (one request per run, so the HTTP round trip is noise). A worker that reloads mid-run
 * (wrangler dev restarts it when a source file it bundles changes) is asked again.
 */
async function drive(
  port: number,
  target: Target,
  creators: number,
  postings: number,
  inflight: number,
  log: (line: string) => void,
): Promise<Run> {
  for (let attempt = 1; ; attempt++) {
    const query = new URLSearchParams({
      target,
      creators: String(creators),
      postings: String(postings),
      inflight: String(inflight),
      run: `${target}${++runs}_${Date.now()}`,
    });
    const started = performance.now();
    const response = await httpRequest({
      port,
      host: "localhost",
      path: `/bench/run?${query}`,
      method: "POST",
      timeoutMs: 600_000,
    });
    const ms = performance.now() - started;
    if (response.status === 503 && response.body.includes("restarted") && attempt < 3) {
      log("[bench] ledger: the bench worker reloaded mid-run (a source file changed); running again");
      continue;
    }
    if (response.status !== 200)
      throw new Error(`ledger bench run answered ${response.status}: ${response.body.slice(0, 300)}`);
    const body = JSON.parse(response.body) as { postings: number; failed: number };
    return { perSecond: (body.postings / ms) * 1000, ms, postings: body.postings, failed: body.failed };
  }
}

/** The same number of creators split over the given workers, run at once; the rate is the total. */
async function spread(
  ports: number[],
  target: Target,
  creators: number,
  postings: number,
  log: (line: string) => void,
): Promise<Run> {
  const started = performance.now();
  const parts = await Promise.all(
    ports.map((port, i) => {
      const share = Math.floor(creators / ports.length) + (i < creators % ports.length ? 1 : 0);
      const count = Math.round((postings * share) / creators);
      return drive(port, target, share, count, share * INFLIGHT_PER_CREATOR, log);
    }),
  );
  const ms = performance.now() - started;
  const total = parts.reduce((n, part) => n + part.postings, 0);
  return {
    perSecond: (total / ms) * 1000,
    ms,
    postings: total,
    failed: parts.reduce((n, part) => n + part.failed, 0),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rate = (runs: Run[]) => Math.round(median(runs.map((r) => r.perSecond)));
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

export async function benchLedger(servers: { port: number }[], settings: AuthBenchSettings) {
  const ports = servers.map((server) => server.port);
  const [first] = ports;
  if (first === undefined) throw new Error("no ledger bench worker");
  const measurements = {
    single: (target: Target) => drive(first, target, 1, SINGLE_POSTINGS, SINGLE_INFLIGHT, settings.log),
    spread: (target: Target) => spread(ports, target, CREATORS, SINGLE_POSTINGS * 2, settings.log),
    oneProcess: (target: Target) => spread([first], target, CREATORS, SINGLE_POSTINGS * 2, settings.log),
  };
  type Name = keyof typeof measurements;
  const rounds: Record<Name, Record<Target, Run[]>> = {
    single: { ledger: [], baseline: [] },
    spread: { ledger: [], baseline: [] },
    oneProcess: { ledger: [], baseline: [] },
  };
  settings.log(`[bench] ledger: warm-up (${ports.length} bench worker${ports.length > 1 ? "s" : ""})`);
  for (const target of ["baseline", "ledger"] as const) {
    await drive(first, target, 1, 500, SINGLE_INFLIGHT, settings.log);
    await spread(ports, target, CREATORS, 2000, settings.log);
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const name of Object.keys(measurements) as Name[]) {
      for (const target of ["ledger", "baseline"] as const) {
        rounds[name][target].push(await measurements[name](target));
      }
    }
    settings.log(
      `[bench] ledger round ${round}/${settings.rounds}: ` +
        (Object.keys(measurements) as Name[])
          .map(
            (name) =>
              `${name} ${Math.round(rounds[name].ledger.at(-1)?.perSecond ?? 0)}/s (baseline ${Math.round(rounds[name].baseline.at(-1)?.perSecond ?? 0)}/s)`,
          )
          .join(", "),
    );
  }
  const summary = (name: Name) => {
    const ledger = rate(rounds[name].ledger);
    const baseline = rate(rounds[name].baseline);
    return { ledger, baseline, ratio: ratio(ledger, baseline) };
  };
  const single = summary("single");
  const spreadSummary = summary("spread");
  const oneProcess = summary("oneProcess");
  const scaling = ratio(spreadSummary.ledger, single.ledger * ports.length);
  const baselineScaling = ratio(spreadSummary.baseline, single.baseline * ports.length);
  const failed = Object.values(rounds)
    .flatMap((byTarget) => [...byTarget.ledger, ...byTarget.baseline])
    .reduce((n, run) => n + run.failed, 0);
  return {
    scenario: "ledger",
    processes: ports.length,
    creators: CREATORS,
    /** Postings per second into one creator's object, and the baseline object's. */
    single,
    /** 100 creators spread over one bench worker per core. */
    spread: spreadSummary,
    /** 100 creators in one bench worker (one workerd thread), for reference. */
    oneProcess,
    /** spread / (single × processes): 1.0 is linear. */
    scaling,
    baselineScaling,
    target: { postingsPerSecond: LEDGER_POSTINGS_TARGET, scaling: LEDGER_SCALING_TARGET },
    pass: single.ledger >= LEDGER_POSTINGS_TARGET && scaling >= LEDGER_SCALING_TARGET && failed === 0,
    failedPostings: failed,
    settings: {
      rounds: settings.rounds,
      singlePostings: SINGLE_POSTINGS,
      spreadPostings: SINGLE_POSTINGS * 2,
    },
    rounds,
  };
}
