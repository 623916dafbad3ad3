/**
 * `npm run bench [-- <scenario name>…]`: measures each scenario against the real stack and against
 * a bare baseline worker started in the same run, and prints one JSON document per scenario plus a
 * human-readable line. Exits 1 if a scenario misses its target or its requests fail.
 *
 * Knobs (environment): BENCH_WARMUP_S (3), BENCH_DURATION_S (8), BENCH_ROUNDS (3),
 * BENCH_CONNECTIONS (32), BENCH_LOG_LEVEL (wrangler dev --log-level for both the stack and the bare worker;
 * default: wrangler's, which prints a line per request),
 * BENCH_VERBOSE=1 (stream wrangler's output).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import {
  type DevServer,
  fileTail,
  freePort,
  httpRequest,
  type LogLevel,
  type Stack,
  spawnWranglerDev,
  startStack,
  waitForHttp,
} from "../scripts/stack";
import { benchRefresh, benchVerify, signIn, startAuthProbe } from "./auth";
import { benchFeed } from "./feed";
import { benchLedger, startLedgerBench } from "./ledger";
import { benchMedia, startMediaBench } from "./media";
import { benchPdqIndex } from "./pdq-index";
import { scenarios as allScenarios } from "./scenarios";
import type { BenchRequest, Scenario } from "./scenarios/types";
import { benchVault, startVaultBench } from "./vault";

const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const VERBOSE = process.env.BENCH_VERBOSE === "1";
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL as LogLevel | undefined;

interface Measurement {
  rps: number;
  p50: number;
  p99: number;
}

interface Round extends Measurement {
  requests: number;
  errors: number;
  non2xx: number;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const wranglerLog = VERBOSE ? (line: string) => log(`  | ${line}`) : undefined;

function routeKey(request: BenchRequest): string {
  return `${request.method ?? "GET"} ${request.host}${request.path}`;
}

/** JSON bodies compare by value (the bare worker re-serialises them), others byte for byte. */
function sameBody(actual: string, expected: string, contentType: string): boolean {
  if (!contentType.includes("json")) return actual === expected;
  try {
    return JSON.stringify(JSON.parse(actual)) === JSON.stringify(JSON.parse(expected));
  } catch {
    return false;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function hammer(port: number, request: BenchRequest, seconds: number): Promise<Round> {
  const result = (await autocannon({
    url: `http://127.0.0.1:${port}${request.path}`,
    method: (request.method ?? "GET") as "GET",
    headers: { ...request.headers, host: request.host },
    ...(request.body === undefined ? {} : { body: request.body }),
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
  })) as unknown as AutocannonResult;
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

function summarise(rounds: Round[]): Measurement {
  return {
    rps: Math.round(median(rounds.map((r) => r.rps))),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
  };
}

async function startBare(
  routes: Record<string, unknown>,
  persistTo: string,
  logFile: string,
  withLogLine: boolean,
): Promise<DevServer & { port: number; logFile: string }> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const encoded = Buffer.from(JSON.stringify(routes), "utf8").toString("base64");
  const server = spawnWranglerDev(
    [
      "-c",
      "bench/bare/wrangler.toml",
      "--persist-to",
      persistTo,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--inspector-ip",
      "127.0.0.1",
      "--show-interactive-dev-session=false",
      "--var",
      `BARE_ROUTES:${encoded}`,
      "--var",
      `BARE_LOG:${withLogLine ? "1" : "0"}`,
      ...(LOG_LEVEL ? ["--log-level", LOG_LEVEL] : []),
    ],
    {
      ...(wranglerLog ? { log: wranglerLog } : { logFile }),
    },
  );
  return { ...server, port, logFile };
}

interface ScenarioResult {
  scenario: string;
  stack: Measurement;
  bare: Measurement;
  /** The bare worker plus one JSON log line per request, as the gateway writes. */
  bareWithLog: Measurement;
  ratio: number;
  /**
   * stack / bareWithLog: what our middleware costs beyond the per-request log line, whose price
   * under `wrangler dev` is mostly the local log pipeline (wrangler parses every line).
   */
  ratioBeyondLogLine: number;
  /** stack/bare per round; each pair ran back to back, so machine load affects both alike. */
  pairRatios: number[];
  target: number;
  pass: boolean;
  settings: {
    connections: number;
    pipelining: number;
    warmupS: number;
    durationS: number;
    rounds: number;
    logLevel: string;
  };
  rounds: { stack: Round[]; bare: Round[]; bareWithLog: Round[] };
  failures?: string[];
}

async function measure(
  scenario: Scenario,
  request: BenchRequest,
  stack: Stack,
  barePort: number,
  bareWithLogPort: number,
): Promise<ScenarioResult> {
  log(`[bench] ${scenario.name}: warm-up ${WARMUP_S} s per target`);
  await hammer(stack.port, request, WARMUP_S);
  await hammer(barePort, request, WARMUP_S);
  await hammer(bareWithLogPort, request, WARMUP_S);
  const stackRounds: Round[] = [];
  const bareRounds: Round[] = [];
  const bareWithLogRounds: Round[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const s = await hammer(stack.port, request, DURATION_S);
    stackRounds.push(s);
    const b = await hammer(barePort, request, DURATION_S);
    bareRounds.push(b);
    const l = await hammer(bareWithLogPort, request, DURATION_S);
    bareWithLogRounds.push(l);
    log(
      `[bench] ${scenario.name} round ${round}/${ROUNDS}: stack ${Math.round(s.rps)} rps p50 ${s.p50} ms p99 ${s.p99} ms | ` +
        `bare ${Math.round(b.rps)} rps p50 ${b.p50} ms p99 ${b.p99} ms | ` +
        `bare+log ${Math.round(l.rps)} rps p50 ${l.p50} ms p99 ${l.p99} ms`,
    );
  }
  const failures: string[] = [];
  for (const [name, rounds] of [
    ["stack", stackRounds],
    ["bare", bareRounds],
    ["bare+log", bareWithLogRounds],
  ] as const) {
    const errors = rounds.reduce((n, r) => n + r.errors, 0);
    const non2xx = rounds.reduce((n, r) => n + r.non2xx, 0);
    if (errors || non2xx) failures.push(`${name}: ${errors} errors/timeouts, ${non2xx} non-2xx responses`);
  }
  const stackSummary = summarise(stackRounds);
  const bareSummary = summarise(bareRounds);
  const bareWithLogSummary = summarise(bareWithLogRounds);
  const ratioOf = (a: Measurement, b: Measurement) => Math.round((a.rps / b.rps) * 1000) / 1000;
  const ratio = ratioOf(stackSummary, bareSummary);
  return {
    scenario: scenario.name,
    stack: stackSummary,
    bare: bareSummary,
    bareWithLog: bareWithLogSummary,
    ratio,
    ratioBeyondLogLine: ratioOf(stackSummary, bareWithLogSummary),
    pairRatios: stackRounds.map(
      (s, i) => Math.round((s.rps / (bareRounds[i]?.rps ?? Number.NaN)) * 1000) / 1000,
    ),
    target: scenario.target,
    pass: ratio >= scenario.target && failures.length === 0,
    settings: {
      connections: CONNECTIONS,
      pipelining: 1,
      warmupS: WARMUP_S,
      durationS: DURATION_S,
      rounds: ROUNDS,
      logLevel: LOG_LEVEL ?? "default",
    },
    rounds: { stack: stackRounds, bare: bareRounds, bareWithLog: bareWithLogRounds },
    ...(failures.length ? { failures } : {}),
  };
}

/** Waits for a bare worker and checks it answers every scenario exactly as the stack did. */
async function checkBareAnswers(
  server: DevServer & { port: number; logFile: string },
  prepared: { request: BenchRequest }[],
  routes: Record<string, { status: number; contentType: string; body: string }>,
): Promise<void> {
  const first = prepared[0];
  if (first) {
    await waitForHttp(server, {
      port: server.port,
      host: first.request.host,
      path: first.request.path,
      timeoutMs: 60_000,
      describe: () => `the bare baseline worker did not start:\n${fileTail(server.logFile, 40)}`,
    });
  }
  for (const { request } of prepared) {
    const res = await httpRequest({ port: server.port, ...request });
    const expected = routes[routeKey(request)];
    if (res.status !== expected?.status || !sameBody(res.body, expected.body, expected.contentType)) {
      throw new Error(
        `the bare worker does not answer ${routeKey(request)} like the stack: ${res.status} ${res.body}`,
      );
    }
  }
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const scenarios = wanted.length ? allScenarios.filter((s) => wanted.includes(s.name)) : allScenarios;
  const authBenches = ["auth.verify", "auth.refresh", "feed", "pdq-index"].filter(
    (name) => !wanted.length || wanted.includes(name),
  );
  const mediaBench = !wanted.length || wanted.includes("media");
  const vaultBench = !wanted.length || wanted.includes("vault");
  const ledgerBench = !wanted.length || wanted.includes("ledger");
  if (scenarios.length === 0 && authBenches.length === 0 && !mediaBench && !vaultBench && !ledgerBench) {
    log(
      `[bench] no scenario matches ${wanted.join(", ")}; known: ${[...allScenarios.map((s) => s.name), "auth.verify", "auth.refresh", "feed", "pdq-index", "media", "vault", "ledger"].join(", ")}`,
    );
    return 2;
  }

  const workDir = await mkdtemp(join(tmpdir(), "fun-bench-"));
  let stack: Stack | undefined;
  let bare: (DevServer & { port: number; logFile: string }) | undefined;
  let bareWithLog: (DevServer & { port: number; logFile: string }) | undefined;
  let authProbe: (DevServer & { port: number }) | undefined;
  let mediaWorker: (DevServer & { port: number }) | undefined;
  let vaultWorker: (DevServer & { port: number }) | undefined;
  let ledgerWorkers: (DevServer & { port: number })[] = [];
  try {
    const port = await freePort();
    log(`[bench] starting the stack on 127.0.0.1:${port} (state in ${workDir})`);
    stack = await startStack({
      port,
      persistTo: join(workDir, "stack"),
      demo: true,
      // wrangler's output goes to a file unless streamed: draining a pipe in this process (which is
      // busy running autocannon) would slow the server being measured.
      ...(wranglerLog ? { log: wranglerLog } : { logFile: join(workDir, "stack.log") }),
      ...(LOG_LEVEL ? { logLevel: LOG_LEVEL } : {}),
    });
    log(`[bench] stack ready in ${(stack.timings.readyMs / 1000).toFixed(1)} s`);

    // The stack's own answer to each scenario's request becomes the bare worker's canned answer.
    const prepared: { scenario: Scenario; request: BenchRequest }[] = [];
    const routes: Record<string, { status: number; contentType: string; body: string }> = {};
    for (const scenario of scenarios) {
      const request = await scenario.prepare(stack);
      const res = await httpRequest({ port: stack.port, ...request });
      if (res.status < 200 || res.status >= 300) {
        throw new Error(`${scenario.name}: the stack answered ${res.status}: ${res.body.slice(0, 500)}`);
      }
      routes[routeKey(request)] = {
        status: res.status,
        contentType: String(res.headers["content-type"] ?? "application/octet-stream"),
        body: res.body,
      };
      prepared.push({ scenario, request });
    }

    let allPass = true;
    if (prepared.length) {
      bare = await startBare(routes, join(workDir, "bare"), join(workDir, "bare.log"), false);
      bareWithLog = await startBare(routes, join(workDir, "bare-log"), join(workDir, "bare-log.log"), true);
      for (const server of [bare, bareWithLog]) {
        await checkBareAnswers(server, prepared, routes);
      }
      log(
        `[bench] bare baselines ready on 127.0.0.1:${bare.port} and :${bareWithLog.port} (with a log line)`,
      );
    }
    for (const { scenario, request } of prepared) {
      if (!bare || !bareWithLog) break;
      const result = await measure(scenario, request, stack, bare.port, bareWithLog.port);
      allPass &&= result.pass;
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.stdout.write(
        `${result.pass ? "PASS" : "FAIL"} ${result.scenario}: stack ${result.stack.rps} req/s ` +
          `(p50 ${result.stack.p50} ms, p99 ${result.stack.p99} ms) vs bare ${result.bare.rps} req/s ` +
          `(p50 ${result.bare.p50} ms, p99 ${result.bare.p99} ms): ratio ${result.ratio} (target ≥ ${result.target}); ` +
          `vs bare + one log line ${result.bareWithLog.rps} req/s: ratio ${result.ratioBeyondLogLine}` +
          `${result.failures ? `; ${result.failures.join("; ")}` : ""}\n`,
      );
    }

    if (authBenches.length) {
      await Promise.allSettled([bare?.stop(), bareWithLog?.stop()]);
      log(
        "[bench] starting the auth probe (the gateway app plus two routes that differ only in requireAccount)",
      );
      const probe = await startAuthProbe(join(workDir, "stack"), join(workDir, "auth.log"));
      authProbe = probe;
      const tokens = await signIn(probe.port);
      const settings = {
        warmupS: WARMUP_S,
        durationS: DURATION_S,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        log,
      };
      if (authBenches.includes("auth.verify")) {
        const result = await benchVerify(probe.port, tokens.accessToken, settings);
        allPass &&= result.pass;
        process.stdout.write(`${JSON.stringify(result)}\n`);
        process.stdout.write(
          `${result.pass ? "PASS" : "FAIL"} auth.verify: with auth ${result.withAuth.rps} req/s (p50 ${result.withAuth.p50} ms, p99 ${result.withAuth.p99} ms) ` +
            `vs without ${result.withoutAuth.rps} req/s (p50 ${result.withoutAuth.p50} ms, p99 ${result.withoutAuth.p99} ms): ratio ${result.ratio} (target ≥ ${result.target})\n`,
        );
      }
      if (authBenches.includes("auth.refresh")) {
        const result = await benchRefresh(probe.port, tokens.accessToken, settings);
        allPass &&= result.pass;
        process.stdout.write(`${JSON.stringify(result)}\n`);
        process.stdout.write(
          `${result.pass ? "PASS" : "FAIL"} auth.refresh: ${result.rps} refresh grants/s (p50 ${result.p50} ms, p99 ${result.p99} ms), ${result.non2xx} non-2xx, ${result.errors} errors\n`,
        );
      }
    }
    if (authProbe && authBenches.includes("feed")) {
      const result = await benchFeed(authProbe.port, {
        warmupS: WARMUP_S,
        durationS: DURATION_S,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        log,
      });
      allPass &&= result.pass;
      process.stdout.write(`${JSON.stringify(result)}\n`);
      const line = (name: "latest" | "ranked" | "search") =>
        result.corpus.sizes
          .map((size) => {
            const m = result[name][size];
            return `${size.toLocaleString("en")} posts: ${m?.rps} req/s, p99 ${m?.p99} ms`;
          })
          .join(" | ");
      process.stdout.write(
        `${result.pass ? "PASS" : "FAIL"} feed: latest ${line("latest")}: p99 growth ${result.p99Growth.latest}× (target ≤ ${result.target}×); ` +
          `ranked ${line("ranked")}: p99 growth ${result.p99Growth.ranked}×; search ${line("search")}: p99 growth ${result.p99Growth.search}× (reported)` +
          `${result.failedRequests ? `; ${result.failedRequests} failed requests` : ""}\n`,
      );
    }
    if (authProbe && authBenches.includes("pdq-index")) {
      const result = await benchPdqIndex(authProbe.port, log);
      allPass &&= result.pass;
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.stdout.write(
        `${result.pass ? "PASS" : "FAIL"} pdq-index: ${result.items.toLocaleString("en")} hashes in D1 (filled in ${result.fillS} s): ` +
          `index p50 ${result.index.p50Ms} ms p99 ${result.index.p99Ms} ms (${result.matchesPerQuery} matches/query) vs linear scan p50 ${result.linear.p50Ms} ms: ` +
          `${result.speedup}× (target ≥ ${result.target.speedup}×), recall ${result.recall}, planted recall ${result.plantedRecall}\n`,
      );
    }
    if (vaultBench) {
      await Promise.allSettled([authProbe?.stop(), bare?.stop(), bareWithLog?.stop()]);
      log("[bench] starting the vault bench worker (the delivery path and a plain R2 passthrough)");
      vaultWorker = await startVaultBench(join(workDir, "stack"), join(workDir, "vault.log"));
      const result = await benchVault(vaultWorker.port, {
        warmupS: WARMUP_S,
        durationS: DURATION_S,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        log,
      });
      allPass &&= result.pass;
      process.stdout.write(`${JSON.stringify(result)}\n`);
      const big = result.sizes["10m"];
      const small = result.sizes["1k"];
      process.stdout.write(
        `${result.pass ? "PASS" : "FAIL"} vault: 10 MiB full ${big.full.rps} req/s (${big.full.mibps} MiB/s) vs passthrough ${big.plain.rps} req/s (${big.plain.mibps} MiB/s): ${result.throughputRatio}× (target ≥ ${result.target.throughputRatio}); ` +
          `1 KiB one at a time, full p50 ${small.full.p50} / p99 ${small.full.p99} ms vs passthrough p50 ${small.plain.p50} / p99 ${small.plain.p99} ms: +${result.addedP99Ms} ms p99 (target ≤ ${result.target.addedP99Ms} ms)` +
          `${result.failedRequests ? `; ${result.failedRequests} failed requests` : ""}\n`,
      );
    }
    if (mediaBench) {
      await Promise.allSettled([stack?.stop(), authProbe?.stop(), vaultWorker?.stop()]);
      log("[bench] starting the media bench worker (fingerprints and the near-duplicate index)");
      mediaWorker = await startMediaBench(join(workDir, "media.log"));
      const result = await benchMedia(mediaWorker.port, log);
      allPass &&= result.pass;
      process.stdout.write(`${JSON.stringify(result)}\n`);
      for (const image of result.images) {
        process.stdout.write(
          `  ${image.file}: ${image.width}×${image.height} decode ${image.decodeMs} ms, PDQ ${image.pdqMs} ms (${image.pdqVsDecode}× decode), ` +
            `pHash ${image.phashMs} ms vs peer ${image.peerPhashMs} ms (${image.phashVsPeer}×)\n`,
        );
      }
      const near = result.nearDuplicates;
      process.stdout.write(
        `${result.pass ? "PASS" : "FAIL"} media: PDQ ≤ ${result.pdqVsDecode.target}× decode missed on ${result.pdqVsDecode.misses.length} of ${result.images.length} images` +
          `${result.pdqVsDecode.misses.length ? ` (${result.pdqVsDecode.misses.join(", ")})` : ""}; pHash slower than the peer on ${result.phashVsPeer.misses.length}; ` +
          `near-duplicates over ${near.items.toLocaleString("en")} hashes: MIH p50 ${near.mih.p50Ms} ms p99 ${near.mih.p99Ms} ms vs linear p50 ${near.linear.p50Ms} ms p99 ${near.linear.p99Ms} ms, ` +
          `${near.speedup}× (cold ${near.coldSpeedup}×, target ≥ ${near.target}×), recall ${near.recall}\n`,
      );
    }
    if (ledgerBench) {
      await Promise.allSettled([stack?.stop(), authProbe?.stop(), vaultWorker?.stop(), mediaWorker?.stop()]);
      log("[bench] starting the ledger bench workers (CreatorLedger and a one-insert baseline object)");
      ledgerWorkers = await startLedgerBench(workDir);
      const result = await benchLedger(ledgerWorkers, {
        warmupS: WARMUP_S,
        durationS: DURATION_S,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        log,
      });
      allPass &&= result.pass;
      process.stdout.write(`${JSON.stringify(result)}\n`);
      const line = (r: { ledger: number; baseline: number; ratio: number }) =>
        `${r.ledger} postings/s vs baseline ${r.baseline}/s (${r.ratio}×)`;
      process.stdout.write(
        `${result.pass ? "PASS" : "FAIL"} ledger: one creator ${line(result.single)} (target ≥ ${result.target.postingsPerSecond}/s); ` +
          `${result.creators} creators over ${result.processes} processes ${line(result.spread)}: scaling ${result.scaling} of linear ` +
          `(baseline ${result.baselineScaling}; target ≥ ${result.target.scaling}); in one process ${line(result.oneProcess)}` +
          `${result.failedPostings ? `; ${result.failedPostings} failed postings` : ""}\n`,
      );
    }
    return allPass ? 0 : 1;
  } finally {
    await Promise.allSettled([
      stack?.stop(),
      bare?.stop(),
      bareWithLog?.stop(),
      authProbe?.stop(),
      mediaWorker?.stop(),
      vaultWorker?.stop(),
      ...ledgerWorkers.map((worker) => worker.stop()),
    ]);
    await rm(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
