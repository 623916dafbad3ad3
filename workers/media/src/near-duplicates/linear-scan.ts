import {
  assertRadius,
  PDQ_MATCH_RADIUS,
  PDQ_WORDS32,
  type PdqHash,
  packedDistanceAtMost,
  packedPdqHash,
} from "./pdq-bits";

/** A hash found by a linear scan: its position in the packed array and its distance. */
export interface ScanMatch {
  index: number;
  distance: number;
}

/**
 * Every hash in `packed` (eight 32-bit words each, see `packPdqHashes`) within `radius` of `query`,
 * by distance then position. The baseline the multi-index is measured and tested against.
 */
export function linearScan(packed: Uint32Array, query: PdqHash, radius = PDQ_MATCH_RADIUS): ScanMatch[] {
  assertRadius(radius);
  const needle = packedPdqHash(query);
  const matches: ScanMatch[] = [];
  const count = Math.floor(packed.length / PDQ_WORDS32);
  for (let index = 0, offset = 0; index < count; index++, offset += PDQ_WORDS32) {
    const distance = packedDistanceAtMost(packed, offset, needle, radius);
    if (distance <= radius) matches.push({ index, distance });
  }
  return matches.sort((a, b) => a.distance - b.distance || a.index - b.index);
}
