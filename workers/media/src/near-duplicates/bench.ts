import { linearScan } from "./linear-scan";
import { PdqIndex } from "./multi-index";
import { PDQ_MATCH_RADIUS, PDQ_WORDS32, unpackPdqHash } from "./pdq-bits";
import { randomBelow, seededRandom, writeNeighbour, writeRandomHash } from "./synthetic";

/**
 * The near-duplicate benchmark: the multi-index against a linear scan over the same hashes, on
 * synthetic data (uniform random hashes, plus planted neighbours of every query at random
 * distances 0–31). Runs inside workerd: no Node APIs, timings from performance.now().
 *
 * workerd's clock moves in whole milliseconds (a Spectre mitigation), far coarser than one MIH
 * query, so each query is repeated back to back until `minSampleMs` have passed and its figure is
 * the time over the repeats (good to about 1 ms / minSampleMs). Repeats run with warm caches, so
 * p50 and p99 are warm figures; `meanMs` comes from one cold pass over all queries, timed as a
 * whole. `speedup` compares the p50s, `coldSpeedup` the cold means (the one to quote for a first
 * look-up, which is what ingest does).
 */

export interface BenchOptions {
  /** Hashes in the index, planted neighbours included. */
  items: number;
  queries: number;
  seed: number;
  /** Planted neighbours per query (default 4); items must hold them all. */
  neighboursPerQuery?: number;
  radius?: number;
  /** The least time to measure one query over (default 20 ms; the clock ticks in ms). */
  minSampleMs?: number;
}

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  /** From one cold pass over all queries. */
  meanMs: number;
}

export interface BenchReport {
  items: number;
  queries: number;
  radius: number;
  mih: LatencySummary;
  linear: LatencySummary;
  /** Linear p50 over MIH p50 (warm). */
  speedup: number;
  /** Linear meanMs over MIH meanMs (one cold pass each). */
  coldSpeedup: number;
  /** Of the (query, item) pairs within the radius that the linear scan found, the share MIH found. */
  recall: number;
  /** Pairs within the radius per the linear scan, and pairs MIH returned that it did not. */
  pairs: number;
  falsePositives: number;
  buildMs: number;
  typedArrayBytes: number;
}

export function benchNearDuplicates(options: BenchOptions): BenchReport {
  const radius = options.radius ?? PDQ_MATCH_RADIUS;
  const perQuery = options.neighboursPerQuery ?? 4;
  const minSampleMs = options.minSampleMs ?? 20;
  const { items, queries } = options;
  const planted = queries * perQuery;
  if (!Number.isInteger(items) || !Number.isInteger(queries) || items < 1 || queries < 1 || planted > items) {
    throw new RangeError(
      "the benchmark needs whole numbers of items and queries, with room for the planted neighbours",
    );
  }

  const random = seededRandom(options.seed);
  const packed = new Uint32Array(items * PDQ_WORDS32);
  for (let i = 0; i < items; i++) writeRandomHash(random, packed, i * PDQ_WORDS32);
  const needles = new Uint32Array(queries * PDQ_WORDS32);
  const stride = Math.floor(items / planted);
  for (let q = 0; q < queries; q++) {
    writeRandomHash(random, needles, q * PDQ_WORDS32);
    for (let j = 0; j < perQuery; j++) {
      const item = (q * perQuery + j) * stride;
      const distance = randomBelow(random, radius + 1);
      writeNeighbour(random, needles, q * PDQ_WORDS32, distance, packed, item * PDQ_WORDS32);
    }
  }
  const queryHashes = Array.from({ length: queries }, (_, q) => unpackPdqHash(needles, q * PDQ_WORDS32));

  const buildStart = performance.now();
  const index = new PdqIndex({ initialCapacity: items });
  for (let i = 0; i < items; i++) index.add(itemId(i), unpackPdqHash(packed, i * PDQ_WORDS32));
  index.reindex();
  const buildMs = performance.now() - buildStart;

  const mihCold = timePass(queryHashes, (hash) => index.query(hash, radius));
  const linearCold = timePass(queryHashes, (hash) => linearScan(packed, hash, radius));

  let pairs = 0;
  let found = 0;
  let falsePositives = 0;
  for (let q = 0; q < queries; q++) {
    const mih = new Map((mihCold.results[q] ?? []).map((match) => [match.id, match.distance]));
    const linear = linearCold.results[q] ?? [];
    pairs += linear.length;
    for (const match of linear) if (mih.get(itemId(match.index)) === match.distance) found++;
    falsePositives += mih.size - linear.filter((match) => mih.has(itemId(match.index))).length;
  }

  const mih = summarise(queryHashes, mihCold.meanMs, minSampleMs, (hash) => index.query(hash, radius));
  const linear = summarise(queryHashes, linearCold.meanMs, minSampleMs, (hash) =>
    linearScan(packed, hash, radius),
  );
  return {
    items,
    queries,
    radius,
    mih,
    linear,
    speedup: linear.p50Ms / Math.max(mih.p50Ms, Number.EPSILON),
    coldSpeedup: linear.meanMs / Math.max(mih.meanMs, Number.EPSILON),
    recall: pairs === 0 ? 1 : found / pairs,
    pairs,
    falsePositives,
    buildMs,
    typedArrayBytes: index.typedArrayBytes,
  };
}

function itemId(index: number): string {
  return `h${index}`;
}

function timePass<T>(
  hashes: readonly Uint16Array[],
  run: (hash: Uint16Array) => T,
): { results: T[]; meanMs: number } {
  const start = performance.now();
  const results = hashes.map(run);
  return { results, meanMs: (performance.now() - start) / hashes.length };
}

function summarise(
  hashes: readonly Uint16Array[],
  meanMs: number,
  minSampleMs: number,
  run: (hash: Uint16Array) => unknown,
): LatencySummary {
  const samples = hashes.map((hash) => {
    const start = performance.now();
    let repeats = 0;
    let elapsed = 0;
    do {
      run(hash);
      repeats++;
      elapsed = performance.now() - start;
    } while (elapsed < minSampleMs);
    return elapsed / repeats;
  });
  samples.sort((a, b) => a - b);
  return { p50Ms: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99), meanMs };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
}
