/**
 * The feed and search benchmark's corpus, grown inside the probe worker through its D1 binding:
 * bench creators (BENCH_CREATORS) and fans (BENCH_FANS, each following FOLLOWS_PER_FAN creators:
 * 10,000 follow edges) on girlfanz, then posts up to the size asked for, spread evenly over the
 * creators, each newer than the last, with likes for the ranked feed and search rows (search_entry
 * and search_fts, written directly as the search.index projection would). Run only by `npm run bench`.
 */
import { SEED } from "../../packages/db/src/seed";
import { BENCH_CREATORS, BENCH_FANS, FOLLOWS_PER_FAN, VOCABULARY } from "./corpus-shape";

/** Posts are this far apart; the newest is published "now" at the largest size the bench asks for. */
const SPACING_MS = 30_000;
const LARGEST = 1_000_000;
const CHUNK = 50_000;

const pad = (n: number | string) => `printf('%025d', ${n})`;

async function count(db: D1Database, sql: string): Promise<number> {
  return (await db.prepare(sql).first<{ n: number }>())?.n ?? 0;
}

async function ensurePeople(db: D1Database, now: number): Promise<void> {
  if ((await count(db, "SELECT count(*) AS n FROM profile WHERE id LIKE 'prf_BENCHF%'")) === BENCH_FANS)
    return;
  const tenant = SEED.tenants.girlfanz.id;
  const people = (kind: "C" | "F", n: number, type: string) => [
    `WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < ${n - 1})
     INSERT OR IGNORE INTO account (id, email, password_hash, status, created_at, updated_at)
     SELECT 'acc_BENCH${kind}' || printf('%020d', n), ${kind === "F" ? "'bench-fan-' || n || '@fun.localhost'" : "'bench-creator-' || n || '@fun.localhost'"},
       (SELECT password_hash FROM account WHERE id = '${SEED.accounts.fan.id}'), 'active', ${now}, ${now} FROM i`,
    `WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < ${n - 1})
     INSERT OR IGNORE INTO profile (id, account_id, handle, display_name, type, created_at, updated_at)
     SELECT 'prf_BENCH${kind}' || printf('%020d', n), 'acc_BENCH${kind}' || printf('%020d', n), 'bench${kind.toLowerCase()}_' || n,
       'Bench ${type} ' || n, '${type}', ${now}, ${now} FROM i`,
    `WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < ${n - 1})
     INSERT OR IGNORE INTO profile_tenant (id, profile_id, tenant_id, is_visible, created_at)
     SELECT 'prt_BENCH${kind}' || printf('%020d', n), 'prf_BENCH${kind}' || printf('%020d', n), '${tenant}', 1, ${now} FROM i`,
  ];
  await db.batch(
    [
      ...people("C", BENCH_CREATORS, "creator"),
      ...people("F", BENCH_FANS, "fan"),
      // Fan f follows creators (7f + 13k) mod 200 for k < 10: ten distinct creators each.
      `WITH RECURSIVE f(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM f WHERE n < ${BENCH_FANS - 1}),
         k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < ${FOLLOWS_PER_FAN - 1})
       INSERT OR IGNORE INTO follow (follower_id, followee_id, created_at)
       SELECT 'prf_BENCHF' || printf('%020d', f.n), 'prf_BENCHC' || printf('%020d', (7 * f.n + 13 * k.n) % ${BENCH_CREATORS}), ${now}
       FROM f, k`,
    ].map((sql) => db.prepare(sql)),
  );
}

/** Adds posts n = from … to - 1 (one chunk). */
async function addPosts(db: D1Database, from: number, to: number, now: number): Promise<void> {
  const tenant = SEED.tenants.girlfanz.id;
  const newest = now;
  const vocabulary = JSON.stringify(VOCABULARY);
  const word = (multiplier: number) =>
    `json_extract(?1, '$[' || ((n * ${multiplier}) % ${VOCABULARY.length}) || ']')`;
  const range = `WITH RECURSIVE i(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM i WHERE n < ${to - 1})`;
  await db.batch([
    db
      .prepare(
        `${range}
         INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, caption, price_cents, visibility, tags, rating, created_at, updated_at)
         SELECT 'cnt_B' || ${pad("n")}, 'prf_BENCHC' || printf('%020d', n % ${BENCH_CREATORS}), '${tenant}',
           ${word(31)} || ' ' || ${word(17)} || ' ' || ${word(3)}, 'Bench post ' || n, 0, 'public',
           json_array(${word(11)}), CASE WHEN n % 3 = 0 THEN 'explicit' ELSE 'general' END,
           ${newest} - (${LARGEST} - n) * ${SPACING_MS}, ${newest} - (${LARGEST} - n) * ${SPACING_MS}
         FROM i`,
      )
      .bind(vocabulary),
    db.prepare(
      `${range}
       INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, like_count, created_at, updated_at)
       SELECT 'ctm_B' || ${pad("n")}, 'cnt_B' || ${pad("n")}, '${tenant}', 'published',
         ${newest} - (${LARGEST} - n) * ${SPACING_MS}, (n * 7919) % 50, ${now}, ${now}
       FROM i`,
    ),
    db.prepare(
      `INSERT INTO search_entry (tenant_id, kind, subject_id, owner_profile_id, indexed_at)
       SELECT '${tenant}', 'content', id, creator_profile_id, ${now} FROM content
       WHERE id >= 'cnt_B' || ${pad(from)} AND id < 'cnt_B' || ${pad(to)}`,
    ),
    db.prepare(
      `INSERT INTO search_fts (rowid, scope, title, body, tags)
       SELECT e.id, 'tenant' || lower(replace(e.tenant_id, '_', '')) || ' kindcontent rating' || c.rating,
         c.title, c.caption, (SELECT group_concat(value, ' ') FROM json_each(c.tags))
       FROM search_entry e JOIN content c ON c.id = e.subject_id
       WHERE e.subject_id >= 'cnt_B' || ${pad(from)} AND e.subject_id < 'cnt_B' || ${pad(to)}`,
    ),
  ]);
}

/**
 * Grows the corpus to `posts` bench posts, at most one chunk per call (the caller repeats until
 * `posts` is reached, so no single D1 call runs for long). Answers how many there are now.
 */
export async function growCorpus(db: D1Database, posts: number, now = Date.now()): Promise<number> {
  await ensurePeople(db, now);
  const have = await count(db, "SELECT count(*) AS n FROM content WHERE id >= 'cnt_B' AND id < 'cnt_C'");
  if (have >= posts) return have;
  const to = Math.min(posts, have + CHUNK);
  await addPosts(db, have, to, now);
  return to;
}
