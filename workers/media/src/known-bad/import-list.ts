import { err, ok, type Result } from "@fun/core";
import { createCoreDb, mediaAsset, mediaFingerprint } from "@fun/db";
import { and, inArray, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { matchThreshold } from "../fingerprint/fingerprint-asset";
import { searchPdqIndex } from "../near-duplicates/pdq-index.repo";
import type { KnownBadHit } from "../screening/screen-asset";
import { blockAssetWrites } from "../screening/screening-writes";
import { type HashListProblem, parseHashList } from "./hash-list";
import {
  addEntries,
  createList,
  findList,
  findListByName,
  type KnownBadKind,
  type KnownBadListRow,
} from "./known-bad.repo";

export interface ImportReport {
  list: KnownBadListRow;
  added: number;
  /** Entries the list already held, skipped. */
  duplicates: number;
  /** Assets already stored that the new entries match, blocked by this import. */
  blockedAssetIds: string[];
}

export type ImportError =
  | { code: "invalid_list"; problem: HashListProblem }
  | { code: "name_taken" }
  | { code: "unknown_list" };

/** PDQ entries are checked against stored assets this many at a time (one index query each). */
const RETRO_CHUNK = 16;

/**
 * Blocks every stored asset the new entries match: MD5 exactly, PDQ within the threshold (the
 * assets' own index rows hold their best hash; the lists are matched as uploaded, not rotated). A
 * list imported after the upload catches it just as one imported before would have.
 */
async function blockExisting(env: MediaEnv, list: KnownBadListRow, hashes: readonly string[], now: number) {
  const db = createCoreDb(env.DB);
  const hits = new Map<string, KnownBadHit>();
  const summary = {
    id: list.id,
    name: list.name,
    kind: list.kind,
    source: list.source,
    purpose: list.purpose,
  };
  if (list.kind === "md5") {
    for (let i = 0; i < hashes.length; i += 90) {
      const rows = await db
        .select({ assetId: mediaFingerprint.assetId, md5: mediaFingerprint.md5 })
        .from(mediaFingerprint)
        .where(inArray(mediaFingerprint.md5, hashes.slice(i, i + 90)));
      for (const row of rows)
        if (row.md5) hits.set(row.assetId, { detector: "md5", list: summary, hash: row.md5, distance: 0 });
    }
  } else {
    const threshold = matchThreshold(env);
    for (let i = 0; i < hashes.length; i += RETRO_CHUNK) {
      const variants = Object.fromEntries(hashes.slice(i, i + RETRO_CHUNK).map((hash) => [hash, hash]));
      for (const match of await searchPdqIndex(db, variants, { radius: threshold, kinds: ["asset"] })) {
        const known = hits.get(match.subjectId);
        if (!known || match.distance < known.distance)
          hits.set(match.subjectId, {
            detector: "pdq",
            list: summary,
            hash: match.variant,
            distance: match.distance,
          });
      }
    }
  }
  if (hits.size === 0) return [];
  const assets = await db
    .select()
    .from(mediaAsset)
    .where(and(inArray(mediaAsset.id, [...hits.keys()].slice(0, 90)), isNull(mediaAsset.blockedAt)));
  const writes: BatchItem<"sqlite">[] = assets.flatMap((asset) => {
    const hit = hits.get(asset.id);
    return hit ? blockAssetWrites(db, asset, hit, now) : [];
  });
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return assets.map((asset) => asset.id);
}

/**
 * Adds hashes (lowercase hex, already checked) to a list and blocks the stored assets they match:
 * the import's second half, also used by takedowns to put an asset's hashes on the takedown list.
 */
export async function addHashes(
  env: MediaEnv,
  list: KnownBadListRow,
  hashes: readonly string[],
  now: number,
) {
  const { added } = await addEntries(createCoreDb(env.DB), list, hashes, now);
  return { added, blockedAssetIds: await blockExisting(env, list, added, now) };
}

async function importInto(env: MediaEnv, list: KnownBadListRow, text: string, now: number) {
  const parsed = parseHashList(text, list.kind);
  if (!parsed.ok) return err({ code: "invalid_list" as const, problem: parsed.error });
  const { added, blockedAssetIds } = await addHashes(env, list, parsed.value, now);
  const updated = (await findList(createCoreDb(env.DB), list.id)) ?? list;
  return ok({
    list: updated,
    added: added.length,
    duplicates: parsed.value.length - added.length,
    blockedAssetIds,
  });
}

/** Creates a list and imports its first entries (see parseHashList for the accepted formats). */
export async function createKnownBadList(
  env: MediaEnv,
  input: { name: string; kind: KnownBadKind; source: string; accountId: string; entries: string },
  now = Date.now(),
): Promise<Result<ImportReport, ImportError>> {
  const db = createCoreDb(env.DB);
  const parsed = parseHashList(input.entries, input.kind);
  if (!parsed.ok) return err({ code: "invalid_list", problem: parsed.error });
  if (await findListByName(db, input.name)) return err({ code: "name_taken" });
  const list = await createList(db, input, now);
  return importInto(env, list, input.entries, now);
}

/** Adds entries to an existing list; entries it already holds are skipped. */
export async function addKnownBadEntries(
  env: MediaEnv,
  listId: string,
  entries: string,
  now = Date.now(),
): Promise<Result<ImportReport, ImportError>> {
  const list = await findList(createCoreDb(env.DB), listId);
  if (!list) return err({ code: "unknown_list" });
  return importInto(env, list, entries, now);
}
