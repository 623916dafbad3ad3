/**
 * The stored near-duplicate index's benchmark (`pdq-index`), inside the probe worker through its D1
 * binding: the real `media_pdq_index` table (migration 0007) filled with synthetic hashes, searched
 * by the media worker's own `searchPdqIndex`, against a linear scan of the same table in the same run.
 */
import { createCoreDb } from "../../packages/db/src";
import { pdqDistance, pdqHexFromWords } from "../../workers/media/src/near-duplicates/pdq-bits";
import { pdqIndexEntry, searchPdqIndex } from "../../workers/media/src/near-duplicates/pdq-index.repo";
import {
  randomBelow,
  seededRandom,
  writeNeighbour,
  writeRandomHash,
} from "../../workers/media/src/near-duplicates/synthetic";

/** Rows added per fill call (the caller repeats until the index holds what it asked for). */
const FILL_CHUNK = 20_000;
const ROWS_PER_INSERT = 250;
/** Queries with planted neighbours: their hashes and neighbours are the first rows of the fill. */
export const PLANTED_QUERIES = 200;
const PLANTED_PER_QUERY = 4;
const RADIUS = 31;
const SUBJECT_PREFIX = "ast_BENCH";

const subjectOf = (i: number) => `${SUBJECT_PREFIX}${String(i).padStart(17, "0")}`;

function hexOf(packed: Uint32Array, offset = 0): string {
  const words = new Uint16Array(16);
  for (let k = 0; k < 8; k++) {
    const word = packed[offset + k] ?? 0;
    words[2 * k] = word >>> 16;
    words[2 * k + 1] = word & 0xffff;
  }
  return pdqHexFromWords(words);
}

/** Query j's hash: deterministic, so fill and query calls agree without sharing state. */
function queryHash(j: number): Uint32Array {
  const packed = new Uint32Array(8);
  writeRandomHash(seededRandom(1_000_003 * (j + 1)), packed, 0);
  return packed;
}

/** Row i: the first rows are planted neighbours of the queries (distance 0–31), the rest random. */
function rowHash(i: number): string {
  const random = seededRandom(7_919 * (i + 1) + 17);
  const packed = new Uint32Array(8);
  if (i < PLANTED_QUERIES * PLANTED_PER_QUERY) {
    writeNeighbour(
      random,
      queryHash(Math.floor(i / PLANTED_PER_QUERY)),
      0,
      randomBelow(random, RADIUS + 1),
      packed,
      0,
    );
  } else {
    writeRandomHash(random, packed, 0);
  }
  return hexOf(packed);
}

async function count(db: D1Database): Promise<number> {
  const row = await db
    .prepare(`SELECT count(*) AS n FROM media_pdq_index WHERE subject_id LIKE '${SUBJECT_PREFIX}%'`)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Grows the index to `items` bench rows, one chunk per call; answers how many there are now. */
export async function fillPdqIndex(db: D1Database, items: number, now = Date.now()): Promise<number> {
  const have = await count(db);
  if (have >= items) return have;
  const to = Math.min(items, have + FILL_CHUNK);
  const statements: D1PreparedStatement[] = [];
  for (let from = have; from < to; from += ROWS_PER_INSERT) {
    const values: string[] = [];
    for (let i = from; i < Math.min(to, from + ROWS_PER_INSERT); i++) {
      const e = pdqIndexEntry(subjectOf(i), "asset", rowHash(i), 100, now);
      const slots = [
        e.s0,
        e.s1,
        e.s2,
        e.s3,
        e.s4,
        e.s5,
        e.s6,
        e.s7,
        e.s8,
        e.s9,
        e.s10,
        e.s11,
        e.s12,
        e.s13,
        e.s14,
        e.s15,
      ];
      values.push(`('${e.subjectId}','asset','${e.hash}',100,${slots.join(",")},${now})`);
    }
    // Literals only (our own ids, hex and integers): far faster to load than 21 bound parameters a row.
    statements.push(
      db.prepare(
        `INSERT INTO media_pdq_index (subject_id, kind, hash, quality, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, created_at) VALUES ${values.join(",")}`,
      ),
    );
  }
  await db.batch(statements);
  return to;
}

/** An image's query: 8 variants like its dihedral hashes, the planted query hash among them. */
function variantsFor(j: number): Record<string, string> {
  const random = seededRandom(31 * (j + 1));
  const variants: Record<string, string> = { orig: hexOf(queryHash(j)) };
  for (const name of ["rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"]) {
    const packed = new Uint32Array(8);
    writeRandomHash(random, packed, 0);
    variants[name] = hexOf(packed);
  }
  return variants;
}

/** Every bench row within the radius of any variant, by reading the whole table (the baseline). */
async function linearScan(db: D1Database, variants: Record<string, string>): Promise<Set<string>> {
  const found = new Set<string>();
  const queries = Object.values(variants);
  let after = "";
  for (;;) {
    const { results } = await db
      .prepare(
        "SELECT subject_id, hash FROM media_pdq_index WHERE subject_id > ? ORDER BY subject_id LIMIT 50000",
      )
      .bind(after)
      .all<{ subject_id: string; hash: string }>();
    for (const row of results) {
      if (queries.some((q) => pdqDistance(q, row.hash) <= RADIUS)) found.add(row.subject_id);
    }
    const last = results.at(-1);
    if (!last) return found;
    after = last.subject_id;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: Math.round(mean * 100) / 100,
  };
};

/**
 * Runs the planted queries through the index, and the first `linear` of them through a full scan
 * too. Recall: of what the scan found, the share the index found; every planted neighbour must
 * be among them. Times are wall-clock around each D1 round trip (workerd's clock ticks over I/O).
 */
export async function queryPdqIndex(d1: D1Database, queries: number, linear: number) {
  const db = createCoreDb(d1);
  const mih: number[] = [];
  const scan: number[] = [];
  let expected = 0;
  let found = 0;
  let planted = 0;
  let plantedFound = 0;
  let candidates = 0;
  for (let j = 0; j < Math.min(queries, PLANTED_QUERIES); j++) {
    const variants = variantsFor(j);
    const started = Date.now();
    const matches = await searchPdqIndex(db, variants, { radius: RADIUS });
    mih.push(Date.now() - started);
    candidates += matches.length;
    const got = new Set(matches.map((m) => m.subjectId));
    for (let p = 0; p < PLANTED_PER_QUERY; p++) {
      planted++;
      if (got.has(subjectOf(j * PLANTED_PER_QUERY + p))) plantedFound++;
    }
    if (j < linear) {
      const scanStarted = Date.now();
      const truth = await linearScan(d1, variants);
      scan.push(Date.now() - scanStarted);
      expected += truth.size;
      for (const id of truth) if (got.has(id)) found++;
    }
  }
  const index = summary(mih);
  const baseline = summary(scan);
  return {
    items: await count(d1),
    queries: mih.length,
    linearQueries: scan.length,
    index,
    linear: baseline,
    speedup: index.meanMs > 0 ? Math.round((baseline.meanMs / index.meanMs) * 10) / 10 : null,
    recall: expected ? found / expected : 1,
    plantedRecall: planted ? plantedFound / planted : 1,
    matchesPerQuery: Math.round((candidates / Math.max(1, mih.length)) * 10) / 10,
  };
}
