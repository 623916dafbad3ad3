import { PDQ_BITS, PDQ_WORDS32 } from "./pdq-bits";

/**
 * Deterministic synthetic PDQ data for the tests and the benchmark: uniform random hashes and
 * "planted" neighbours at an exact distance from a chosen hash.
 */

/** A seeded PRNG (mulberry32) returning unsigned 32-bit integers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** An integer in [0, bound). */
export function randomBelow(random: () => number, bound: number): number {
  return Math.floor((random() / 0x1_0000_0000) * bound);
}

/** Fills eight words at `offset` with a uniform random hash. */
export function writeRandomHash(random: () => number, target: Uint32Array, offset: number): void {
  for (let k = 0; k < PDQ_WORDS32; k++) target[offset + k] = random();
}

/**
 * Writes at `targetOffset` the hash at `sourceOffset` with exactly `distance` distinct bits flipped,
 * so the two are exactly `distance` apart.
 */
export function writeNeighbour(
  random: () => number,
  source: Uint32Array,
  sourceOffset: number,
  distance: number,
  target: Uint32Array,
  targetOffset: number,
): void {
  for (let k = 0; k < PDQ_WORDS32; k++) target[targetOffset + k] = source[sourceOffset + k] as number;
  // A partial Fisher–Yates shuffle of the 256 bit positions picks `distance` distinct ones.
  const bits = Uint16Array.from({ length: PDQ_BITS }, (_, i) => i);
  for (let i = 0; i < distance; i++) {
    const j = i + randomBelow(random, PDQ_BITS - i);
    const bit = bits[j] as number;
    bits[j] = bits[i] as number;
    bits[i] = bit;
    const word = targetOffset + (bit >> 5);
    target[word] = ((target[word] as number) ^ (1 << (bit & 31))) >>> 0;
  }
}
