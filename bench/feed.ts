/**
 * The feed and search benchmark (`feed`), run by `npm run bench` on the probe worker (bench/auth):
 * the same fans read their feeds and the same words are searched with a corpus of 10,000 posts and
 * again after it grew to 1,000,000 (200 creators, 1,000 fans, 10,000 follow edges: bench/auth/corpus.ts),
 * in one run. Target: feed p99 at 1M within 1.5× of p99 at 10k, for `latest` and `ranked`; search
 * p99 is reported at both sizes.
 */
import autocannon from "autocannon";
import { httpRequest } from "../scripts/stack";
import type { AuthBenchSettings } from "./auth";
import { signIn } from "./auth";
import { BENCH_CREATORS, BENCH_FANS, benchFanEmail, FOLLOWS_PER_FAN, VOCABULARY } from "./auth/corpus-shape";

export const FEED_P99_GROWTH_TARGET = 1.5;
export const CORPUS_SIZES = [10_000, 1_000_000] as const;
/** How many different fans (and searched words) the requests rotate through. */
const READERS = 10;

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  failed: number;
  /** What failed: status classes and socket errors/timeouts. */
  failures: { "4xx": number; "5xx": number; errors: number; timeouts: number };
}

type Reading = "feed.latest" | "feed.ranked" | "search.content";

async function grow(port: number, posts: number, log: (line: string) => void): Promise<number> {
  const started = Date.now();
  let have = 0;
  while (have < posts) {
    const response = await httpRequest({
      port,
      host: "girlfanz.localhost",
      path: `/bench/corpus?posts=${posts}`,
      method: "POST",
    });
    if (response.status !== 200)
      throw new Error(`growing the corpus failed: ${response.status} ${response.body}`);
    have = (JSON.parse(response.body) as { posts: number }).posts;
    log(
      `[bench] feed: corpus at ${have.toLocaleString("en")} posts (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  return have;
}

async function run(
  port: number,
  requests: { path: string; headers: Record<string, string> }[],
  seconds: number,
  connections: number,
): Promise<Measured> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: requests.map((request) => ({
      method: "GET",
      path: request.path,
      headers: { ...request.headers, host: "girlfanz.localhost" },
    })),
  });
  const counts = result as unknown as Record<"4xx" | "5xx", number>;
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    failures: {
      "4xx": counts["4xx"],
      "5xx": counts["5xx"],
      errors: result.errors,
      timeouts: result.timeouts,
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function readings(port: number, settings: AuthBenchSettings, size: number) {
  // Fresh tokens for each size: access tokens live 5 minutes and growing the corpus takes longer.
  const fans = [];
  for (let i = 0; i < READERS; i++) fans.push(await signIn(port, benchFanEmail((i * 97) % BENCH_FANS)));
  const words = Array.from({ length: READERS }, (_, i) => VOCABULARY[(i * 37) % VOCABULARY.length] ?? "");
  const plans: Record<Reading, { path: string; headers: Record<string, string> }[]> = {
    "feed.latest": fans.map((fan) => ({
      path: "/v1/feed?algo=latest&limit=20",
      headers: { authorization: `Bearer ${fan.accessToken}` },
    })),
    "feed.ranked": fans.map((fan) => ({
      path: "/v1/feed?algo=ranked&limit=20",
      headers: { authorization: `Bearer ${fan.accessToken}` },
    })),
    "search.content": words.map((word) => ({
      path: `/v1/search?q=${word}&type=content&limit=20`,
      headers: {},
    })),
  };
  const out = {} as Record<Reading, Measured & { rounds: Measured[] }>;
  for (const [name, requests] of Object.entries(plans) as [Reading, (typeof plans)[Reading]][]) {
    const first = await httpRequest({
      port,
      host: "girlfanz.localhost",
      ...requests[0],
      path: requests[0]?.path ?? "",
    });
    const items = first.status === 200 ? (JSON.parse(first.body) as { items: unknown[] }).items.length : -1;
    if (items <= 0)
      throw new Error(
        `${name} at ${size}: expected a full page, got ${first.status} ${first.body.slice(0, 300)}`,
      );
    await run(port, requests, settings.warmupS, settings.connections);
    const rounds: Measured[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      rounds.push(await run(port, requests, settings.durationS, settings.connections));
      const last = rounds.at(-1);
      settings.log(
        `[bench] ${name} at ${size.toLocaleString("en")} posts, round ${round}/${settings.rounds}: ${Math.round(last?.rps ?? 0)} rps, p50 ${last?.p50} ms, p99 ${last?.p99} ms`,
      );
    }
    const sum = (pick: (r: Measured) => number) => rounds.reduce((n, r) => n + pick(r), 0);
    out[name] = {
      rps: Math.round(median(rounds.map((r) => r.rps))),
      p50: median(rounds.map((r) => r.p50)),
      p99: median(rounds.map((r) => r.p99)),
      failed: sum((r) => r.failed),
      failures: {
        "4xx": sum((r) => r.failures["4xx"]),
        "5xx": sum((r) => r.failures["5xx"]),
        errors: sum((r) => r.failures.errors),
        timeouts: sum((r) => r.failures.timeouts),
      },
      rounds,
    };
  }
  return out;
}

/** Measures every reading at each corpus size, growing the corpus in between. */
export async function benchFeed(port: number, settings: AuthBenchSettings) {
  const bySize: Record<string, Awaited<ReturnType<typeof readings>>> = {};
  for (const size of CORPUS_SIZES) {
    await grow(port, size, settings.log);
    bySize[size] = await readings(port, settings, size);
  }
  const small = bySize[CORPUS_SIZES[0]];
  const large = bySize[CORPUS_SIZES[1]];
  if (!small || !large) throw new Error("the feed bench measured no sizes");
  const growth = (name: Reading) => Math.round((large[name].p99 / small[name].p99) * 100) / 100;
  const failed = Object.values(bySize).reduce(
    (n, size) => n + Object.values(size).reduce((m, reading) => m + reading.failed, 0),
    0,
  );
  const feedGrowth = { latest: growth("feed.latest"), ranked: growth("feed.ranked") };
  const summary = (name: Reading) =>
    Object.fromEntries(
      CORPUS_SIZES.map((size) => {
        const reading = bySize[size]?.[name];
        return [
          size,
          reading ? { rps: reading.rps, p50: reading.p50, p99: reading.p99, failed: reading.failures } : null,
        ];
      }),
    );
  return {
    scenario: "feed",
    corpus: {
      sizes: [...CORPUS_SIZES],
      creators: BENCH_CREATORS,
      fans: BENCH_FANS,
      followEdges: BENCH_FANS * FOLLOWS_PER_FAN,
    },
    latest: summary("feed.latest"),
    ranked: summary("feed.ranked"),
    search: summary("search.content"),
    p99Growth: { ...feedGrowth, search: growth("search.content") },
    target: FEED_P99_GROWTH_TARGET,
    pass:
      feedGrowth.latest <= FEED_P99_GROWTH_TARGET &&
      feedGrowth.ranked <= FEED_P99_GROWTH_TARGET &&
      failed === 0,
    failedRequests: failed,
    settings: { connections: settings.connections, durationS: settings.durationS, rounds: settings.rounds },
  };
}
