import { err, ok, type Result } from "@fun/core";

/**
 * PDQ hashes as bits. A hash is 256 bits, carried as 64 hex characters: the reference's format,
 * 16 words of 16 bits with its word 15 first (see ../fingerprint/pdq.ts).
 *
 * Here, `PdqWords` is a Uint16Array(16) in the order the hex reads: words[0] is the first four hex
 * characters (the reference's w[15]), words[15] the last four. The index packs each hash as eight
 * 32-bit words in the same order (word k = words[2k] << 16 | words[2k + 1], hex characters
 * 8k..8k+7), so distances are eight XORs and popcounts with no string work.
 */

export const PDQ_HEX_LENGTH = 64;
export const PDQ_BITS = 256;
/** 32-bit words per packed hash. */
export const PDQ_WORDS32 = 8;

/** 16 × 16-bit words, most significant (first in the hex) first. */
export type PdqWords = Uint16Array;
/** A hash as given by callers: its hex form or its 16-bit words. */
export type PdqHash = string | PdqWords;

const PDQ_HEX = /^[0-9a-fA-F]{64}$/;

/** Whether text is a PDQ hash in hex (64 hex digits, either case). */
export function isPdqHex(text: string): boolean {
  return PDQ_HEX.test(text);
}

/** The words of a hex hash, or `not_pdq_hex` for anything but 64 hex digits (no prefix, no spaces). */
export function parsePdqHex(text: string): Result<PdqWords, "not_pdq_hex"> {
  if (!isPdqHex(text)) return err("not_pdq_hex");
  const words = new Uint16Array(16);
  for (let i = 0; i < 16; i++) words[i] = Number.parseInt(text.slice(i * 4, i * 4 + 4), 16);
  return ok(words);
}

/** The words of a hex hash; throws a TypeError on anything but 64 hex digits (trusted input only). */
export function pdqWordsFromHex(text: string): PdqWords {
  const parsed = parsePdqHex(text);
  if (!parsed.ok) throw new TypeError(`not a PDQ hash (64 hex digits): ${JSON.stringify(text.slice(0, 80))}`);
  return parsed.value;
}

/** The hex form (lowercase) of a hash's words. */
export function pdqHexFromWords(words: PdqWords): string {
  assertWords(words);
  let hex = "";
  for (let i = 0; i < 16; i++) hex += (words[i] ?? 0).toString(16).padStart(4, "0");
  return hex;
}

/** Writes a hash as eight 32-bit words into `target` at `offset` (a multiple of 8, by convention). */
export function packPdqHash(hash: PdqHash, target: Uint32Array, offset: number): void {
  const words = typeof hash === "string" ? pdqWordsFromHex(hash) : hash;
  assertWords(words);
  for (let k = 0; k < PDQ_WORDS32; k++) {
    target[offset + k] = (((words[2 * k] ?? 0) << 16) | (words[2 * k + 1] ?? 0)) >>> 0;
  }
}

/** Eight 32-bit words of one hash. */
export function packedPdqHash(hash: PdqHash): Uint32Array {
  const packed = new Uint32Array(PDQ_WORDS32);
  packPdqHash(hash, packed, 0);
  return packed;
}

/** Many hashes packed end to end, eight 32-bit words each (the layout `linearScan` reads). */
export function packPdqHashes(hashes: readonly PdqHash[]): Uint32Array {
  const packed = new Uint32Array(hashes.length * PDQ_WORDS32);
  hashes.forEach((hash, i) => {
    packPdqHash(hash, packed, i * PDQ_WORDS32);
  });
  return packed;
}

/** The 16-bit words of a packed hash. */
export function unpackPdqHash(packed: Uint32Array, offset = 0): PdqWords {
  const words = new Uint16Array(16);
  for (let k = 0; k < PDQ_WORDS32; k++) {
    const word = packed[offset + k] ?? 0;
    words[2 * k] = word >>> 16;
    words[2 * k + 1] = word & 0xffff;
  }
  return words;
}

/** Set bits in a 32-bit integer (SWAR; V8 has no popcount intrinsic reachable from JS). */
export function popcount32(value: number): number {
  let x = value - ((value >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Hamming distance between the hash at `offset` in `packed` and the packed hash `query` (eight
 * words). The hot loop of both the index and the linear scan: unrolled, no allocation.
 */
export function packedDistance(packed: Uint32Array, offset: number, query: Uint32Array): number {
  return (
    popcount32((packed[offset] as number) ^ (query[0] as number)) +
    popcount32((packed[offset + 1] as number) ^ (query[1] as number)) +
    popcount32((packed[offset + 2] as number) ^ (query[2] as number)) +
    popcount32((packed[offset + 3] as number) ^ (query[3] as number)) +
    popcount32((packed[offset + 4] as number) ^ (query[4] as number)) +
    popcount32((packed[offset + 5] as number) ^ (query[5] as number)) +
    popcount32((packed[offset + 6] as number) ^ (query[6] as number)) +
    popcount32((packed[offset + 7] as number) ^ (query[7] as number))
  );
}

/**
 * The distance as `packedDistance` gives it when it is at most `limit`; otherwise some number above
 * `limit`. Stops after half the words when those alone are too far apart, which most candidates are.
 */
export function packedDistanceAtMost(
  packed: Uint32Array,
  offset: number,
  query: Uint32Array,
  limit: number,
): number {
  const half =
    popcount32((packed[offset] as number) ^ (query[0] as number)) +
    popcount32((packed[offset + 1] as number) ^ (query[1] as number)) +
    popcount32((packed[offset + 2] as number) ^ (query[2] as number)) +
    popcount32((packed[offset + 3] as number) ^ (query[3] as number));
  if (half > limit) return half;
  return (
    half +
    popcount32((packed[offset + 4] as number) ^ (query[4] as number)) +
    popcount32((packed[offset + 5] as number) ^ (query[5] as number)) +
    popcount32((packed[offset + 6] as number) ^ (query[6] as number)) +
    popcount32((packed[offset + 7] as number) ^ (query[7] as number))
  );
}

/** Hamming distance (0–256) between two hashes. */
export function pdqDistance(a: PdqHash, b: PdqHash): number {
  return packedDistance(packedPdqHash(a), 0, packedPdqHash(b));
}

function assertWords(words: PdqWords): void {
  if (!(words instanceof Uint16Array) || words.length !== 16) {
    throw new TypeError("a PDQ hash's words are a Uint16Array of 16");
  }
}

/** The default match radius: PDQ's published threshold for "same image" is a distance of 31 or less. */
export const PDQ_MATCH_RADIUS = 31;

/** Throws a RangeError unless radius is an integer from 0 to 256. */
export function assertRadius(radius: number): void {
  if (!Number.isInteger(radius) || radius < 0 || radius > PDQ_BITS) {
    throw new RangeError(`a PDQ search radius is an integer from 0 to ${PDQ_BITS}, not ${radius}`);
  }
}
