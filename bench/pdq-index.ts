/**
 * The stored near-duplicate index benchmark (`pdq-index`), run by `npm run bench` on the probe
 * worker (bench/auth/pdq-index.ts): the real `media_pdq_index` table in local D1 filled with
 * BENCH_PDQ_INDEX_ITEMS synthetic hashes (default 1,000,000), 200 queries of 8 variants each (an
 * image's dihedral hashes) through `searchPdqIndex`, and a few through a linear scan of the same
 * table in the same run. Targets: recall 1.0 at distance ≤ 31 and ≥ 5× faster than the scan.
 */
import { httpRequest } from "../scripts/stack";

export const PDQ_INDEX_SPEEDUP_TARGET = 5;
const ITEMS = Number(process.env.BENCH_PDQ_INDEX_ITEMS ?? 1_000_000);
const QUERIES = 200;
const LINEAR_QUERIES = 3;

interface Latency {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

interface QueryReport {
  items: number;
  queries: number;
  linearQueries: number;
  index: Latency;
  linear: Latency;
  speedup: number | null;
  recall: number;
  plantedRecall: number;
  matchesPerQuery: number;
}

export async function benchPdqIndex(port: number, log: (line: string) => void) {
  const started = Date.now();
  let items = 0;
  while (items < ITEMS) {
    const response = await httpRequest({
      port,
      host: "girlfanz.localhost",
      path: `/bench/pdq-index/fill?items=${ITEMS}`,
      method: "POST",
      timeoutMs: 600_000,
    });
    if (response.status !== 200)
      throw new Error(`pdq-index fill answered ${response.status}: ${response.body.slice(0, 300)}`);
    items = (JSON.parse(response.body) as { items: number }).items;
    if (items % 200_000 === 0 || items >= ITEMS)
      log(`[bench] pdq-index: ${items.toLocaleString("en")} hashes indexed`);
  }
  const fillS = Math.round((Date.now() - started) / 100) / 10;
  log(`[bench] pdq-index: querying (${QUERIES} by the index, ${LINEAR_QUERIES} by a linear scan)`);
  const response = await httpRequest({
    port,
    host: "girlfanz.localhost",
    path: `/bench/pdq-index/query?queries=${QUERIES}&linear=${LINEAR_QUERIES}`,
    timeoutMs: 1_800_000,
  });
  if (response.status !== 200)
    throw new Error(`pdq-index query answered ${response.status}: ${response.body.slice(0, 300)}`);
  const report = JSON.parse(response.body) as QueryReport;
  const pass =
    report.recall === 1 && report.plantedRecall === 1 && (report.speedup ?? 0) >= PDQ_INDEX_SPEEDUP_TARGET;
  return {
    scenario: "pdq-index",
    ...report,
    fillS,
    target: { speedup: PDQ_INDEX_SPEEDUP_TARGET, recall: 1 },
    pass,
  };
}
