import { type CoreDb, mediaPdqIndex, type PDQ_INDEX_KINDS } from "@fun/db";
import { inArray, sql } from "drizzle-orm";
import {
  PDQ_MATCH_RADIUS,
  packedDistanceAtMost,
  packedPdqHash,
  pdqHexFromWords,
  pdqWordsFromHex,
} from "./pdq-bits";

/**
 * The stored near-duplicate index (table `media_pdq_index`, see its schema comment): multi-index
 * hashing in D1. Each hash is kept with its 16 slots of 16 bits, every slot column indexed. Two
 * hashes within distance r agree to within ⌊r/16⌋ bits on at least one slot (pigeonhole), so a query
 * asks for rows whose slot k is within that many bits of the query's slot k, for any k, and checks
 * the real distance of those candidates only. SQLite answers the OR of 16 indexed `IN` lists with
 * one index lookup per value (a "multi-index OR").
 */

export type PdqIndexKind = (typeof PDQ_INDEX_KINDS)[number];

/** Hashes below this PDQ quality are too flat to match on: they are neither indexed nor searched. */
export const MIN_MATCH_QUALITY = 50;
/**
 * The largest radius the index answers: at 48 and above every slot would be probed with all values
 * within 3 bits (697 per slot and variant), so a query would stop being a lookup.
 */
export const MAX_INDEX_RADIUS = 47;
/** Keeps each index query well under D1's 100 KB statement limit. */
const MAX_SQL_LENGTH = 60_000;

export interface PdqIndexMatch {
  subjectId: string;
  kind: PdqIndexKind;
  hash: string;
  distance: number;
  /** Which of the query's variants matched (its dihedral transform, for an asset's hashes). */
  variant: string;
}

/** The row that indexes a hash; slots are its 16-bit words in hex order. */
export function pdqIndexEntry(
  subjectId: string,
  kind: PdqIndexKind,
  hash: string,
  quality: number,
  now: number,
) {
  const w = pdqWordsFromHex(hash);
  const slot = (k: number) => w[k] ?? 0;
  return {
    subjectId,
    kind,
    hash: hash.toLowerCase(),
    quality,
    s0: slot(0),
    s1: slot(1),
    s2: slot(2),
    s3: slot(3),
    s4: slot(4),
    s5: slot(5),
    s6: slot(6),
    s7: slot(7),
    s8: slot(8),
    s9: slot(9),
    s10: slot(10),
    s11: slot(11),
    s12: slot(12),
    s13: slot(13),
    s14: slot(14),
    s15: slot(15),
    createdAt: now,
  };
}

const CANDIDATE_COLUMNS = {
  subjectId: mediaPdqIndex.subjectId,
  kind: mediaPdqIndex.kind,
  s0: mediaPdqIndex.s0,
  s1: mediaPdqIndex.s1,
  s2: mediaPdqIndex.s2,
  s3: mediaPdqIndex.s3,
  s4: mediaPdqIndex.s4,
  s5: mediaPdqIndex.s5,
  s6: mediaPdqIndex.s6,
  s7: mediaPdqIndex.s7,
  s8: mediaPdqIndex.s8,
  s9: mediaPdqIndex.s9,
  s10: mediaPdqIndex.s10,
  s11: mediaPdqIndex.s11,
  s12: mediaPdqIndex.s12,
  s13: mediaPdqIndex.s13,
  s14: mediaPdqIndex.s14,
  s15: mediaPdqIndex.s15,
};

type Slots = Record<`s${number}`, number>;

const slotsOf = (row: Slots): number[] => Array.from({ length: 16 }, (_, k) => row[`s${k}`] ?? 0);

/** Every 16-bit value within `bits` bit flips of `value`. */
function neighbours(value: number, bits: number, into: Set<number>, from = 0): void {
  into.add(value);
  if (bits === 0) return;
  for (let bit = from; bit < 16; bit++) neighbours(value ^ (1 << bit), bits - 1, into, bit + 1);
}

/**
 * Indexed hashes within `radius` of any of `variants` (e.g. an image's 8 dihedral hashes, so a
 * rotated or mirrored copy is found), each with its best distance and the variant that reached it,
 * nearest first.
 */
export async function searchPdqIndex(
  db: CoreDb,
  variants: Readonly<Record<string, string>>,
  options: { radius?: number; kinds?: readonly PdqIndexKind[]; exclude?: string } = {},
): Promise<PdqIndexMatch[]> {
  const radius = options.radius ?? PDQ_MATCH_RADIUS;
  if (!Number.isInteger(radius) || radius < 0 || radius > MAX_INDEX_RADIUS)
    throw new RangeError(`the index answers radii from 0 to ${MAX_INDEX_RADIUS}, not ${radius}`);
  const queries = Object.entries(variants);
  if (queries.length === 0) return [];
  const probe = Array.from({ length: 16 }, () => new Set<number>());
  const flips = Math.floor(radius / 16);
  for (const [, hash] of queries) {
    const words = pdqWordsFromHex(hash);
    for (let k = 0; k < 16; k++) neighbours(words[k] ?? 0, flips, probe[k] as Set<number>);
  }
  // The values are integers computed here, never caller text, so they are written into the SQL
  // directly: a query holds up to 16 × 8 × 17 of them, far beyond D1's 100 bound parameters. Slots
  // are grouped so no statement passes MAX_SQL_LENGTH (D1 refuses statements over 100 KB).
  const groups: string[][] = [[]];
  let length = 0;
  for (const [k, values] of probe.entries()) {
    const clause = `s${k} in (${[...values].join(",")})`;
    if (length + clause.length > MAX_SQL_LENGTH && (groups.at(-1) ?? []).length > 0) {
      groups.push([]);
      length = 0;
    }
    groups.at(-1)?.push(clause);
    length += clause.length;
  }
  const kinds = options.kinds ? inArray(mediaPdqIndex.kind, [...options.kinds]) : undefined;
  const found = await Promise.all(
    groups.map((clauses) =>
      db
        .select(CANDIDATE_COLUMNS)
        .from(mediaPdqIndex)
        .where(kinds ? sql`(${sql.raw(clauses.join(" or "))}) and ${kinds}` : sql.raw(clauses.join(" or "))),
    ),
  );
  const candidates = new Map(found.flat().map((row) => [row.subjectId, row]));
  // Candidates come back as their slots, compared word by word: no hex is parsed per candidate.
  const packedQueries = queries.map(([variant, hash]) => ({ variant, packed: packedPdqHash(hash) }));
  const words = new Uint32Array(8);
  const matches: PdqIndexMatch[] = [];
  for (const candidate of candidates.values()) {
    if (candidate.subjectId === options.exclude) continue;
    const slots = slotsOf(candidate);
    for (let k = 0; k < 8; k++) words[k] = (((slots[2 * k] ?? 0) << 16) | (slots[2 * k + 1] ?? 0)) >>> 0;
    let best: { distance: number; variant: string } | undefined;
    for (const { variant, packed } of packedQueries) {
      const distance = packedDistanceAtMost(words, 0, packed, radius);
      if (distance <= radius && (!best || distance < best.distance)) best = { distance, variant };
    }
    if (best)
      matches.push({
        subjectId: candidate.subjectId,
        kind: candidate.kind,
        hash: pdqHexFromWords(Uint16Array.from(slots)),
        ...best,
      });
  }
  return matches.sort((a, b) => a.distance - b.distance || a.subjectId.localeCompare(b.subjectId));
}
