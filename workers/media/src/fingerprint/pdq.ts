import type { RgbaImage } from "./decode";
import { COEFFICIENTS, dct16, type FoldedDct, foldedDct } from "./pdq-dct";
import {
  DOWNSAMPLED,
  downsample,
  PDQ_REFERENCE_SIDE,
  type SamplingPlan,
  samplingPlan,
} from "./pdq-downsample";

export { PDQ_REFERENCE_SIDE };

/**
 * PDQ, Meta's 256-bit perceptual image hash, after the published algorithm (pdqhash-2017-10-09)
 * and the steps of its reference implementation, so hashes agree with it:
 *
 * 1. Images wider or taller than 512 px are first resized to exactly 512 × 512 by nearest
 *    neighbour (aspect ratio not kept), as the reference's image loading does.
 * 2. Luma Y = 0.299 R + 0.587 G + 0.114 B in 32-bit floats; alpha is ignored.
 * 3. Two passes of a Jarosz box filter per axis (window ⌈dimension / 128⌉), then decimation to
 *    64 × 64 by sampling each block's centre; every mean is rounded to a float.
 * 4. Quality: the sum of quantised neighbour gradients of the 64 × 64 image / 90, capped at 100.
 * 5. DCT: rows and columns 1–16 of the 64-point DCT-II (the DC term is skipped): B = D A Dᵀ.
 * 6. Bit i·16 + j is set when B[i][j] is above the median (the 128th smallest of the 256).
 *
 * The hex form is the reference's: 16 words of 16 bits, word 15 first; word i holds row i of B,
 * bit j = column j. The eight dihedral hashes (rotations and flips of the image) come from sign
 * changes and transposes of B, without re-hashing the image.
 *
 * Hashing must cost well under decoding, thumbnails included, where fixed work dominates, so:
 * only the pixels the 64 × 64 samples depend on are read and filtered (pdq-downsample.ts, exact);
 * the DCT folds its inputs by the matrix's symmetry (pdq-dct.ts, see there for its rounding); the
 * quality sum stops once it is settled; the dihedral hashes need four medians, found by selection;
 * and buffers and per-size plans are kept between calls (hashing is synchronous, so calls never
 * interleave).
 */

/** Images smaller than this on either side get an all-zero hash of quality 0, as in the reference. */
const MIN_HASHABLE_SIDE = 5;
const DCT_SIDE = 16;

export const DIHEDRAL_TRANSFORMS = [
  "orig",
  "rot90",
  "rot180",
  "rot270",
  "flipx",
  "flipy",
  "flipp",
  "flipm",
] as const;
export type DihedralTransform = (typeof DIHEDRAL_TRANSFORMS)[number];

export interface PdqResult {
  /** 64 lowercase hex characters. */
  hash: string;
  /** 0–100; hashes below 50 are too flat to match on. */
  quality: number;
  /** The hash of each rotation and flip of the image, `orig` included. */
  dihedral: Record<DihedralTransform, string>;
}

type AxisPlan = SamplingPlan & { dct: FoldedDct };

/**
 * Plans by source and resized length. Few sizes recur, so the cache is dropped when it grows.
 * Every side of 64 px or more has 64 distinct samples, and so the one full DCT.
 */
const plans = new Map<number, AxisPlan>();
const FULL_DCT = foldedDct(
  Int32Array.from({ length: DOWNSAMPLED }, (_, k) => k),
  DOWNSAMPLED,
);
function planFor(sourceLength: number, length: number): AxisPlan {
  const key = sourceLength * 1024 + length;
  let plan = plans.get(key);
  if (!plan) {
    if (plans.size >= 64) plans.clear();
    const sampling = samplingPlan(sourceLength, length);
    const m = sampling.samples.length;
    plan = { ...sampling, dct: m === DOWNSAMPLED ? FULL_DCT : foldedDct(sampling.sampleOf, m) };
    plans.set(key, plan);
  }
  return plan;
}

const f32 = Math.fround;
/**
 * The reference's quantised gradient between two neighbours, |trunc(f32(f32(d · 100) / 255))|,
 * without the division: for every float x in [0, 25600], trunc(f32(x / 255)) equals
 * ⌊x · (1/255)⌋ in doubles (checked exhaustively over all 1.19 billion of them). The sign does
 * not matter, as rounding is symmetric.
 */
const INVERSE_255 = 1 / 255;
const gradient = (d: number) => (Math.abs(f32(d * 100)) * INVERSE_255) | 0;
/** Quality is the gradient sum / 90, capped at 100: a sum this large settles it. */
const FULL_QUALITY_SUM = 100 * 90;

/**
 * How much structure the image has: quantised neighbour gradients of the 64 × 64 image, 0–100,
 * from its m × n distinct samples. Repeated samples are equal neighbours and add 0; the others
 * count as often as their row or column repeats. Every term is ≥ 0, so the sum stops at full
 * quality.
 */
function quality(block: Float32Array, m: number, n: number, rowRepeats: Int32Array, colRepeats: Int32Array) {
  let sum = 0;
  for (let q = 0; q < m; q++) {
    const row = q * n;
    let across = 0;
    for (let p = 0; p < n - 1; p++)
      across += gradient((block[row + p] as number) - (block[row + p + 1] as number));
    sum += across * (rowRepeats[q] as number);
    if (q < m - 1) {
      if (n === DOWNSAMPLED)
        for (let p = 0; p < n; p++)
          sum += gradient((block[row + p] as number) - (block[row + n + p] as number));
      else
        for (let p = 0; p < n; p++)
          sum +=
            gradient((block[row + p] as number) - (block[row + n + p] as number)) * (colRepeats[p] as number);
    }
    if (sum >= FULL_QUALITY_SUM) return 100;
  }
  return Math.trunc(sum / 90);
}

/** The k-th smallest (from 0) of `values`, which it reorders (quickselect, Hoare partition). */
function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const a = values[lo] as number;
    const b = values[(lo + hi) >> 1] as number;
    const c = values[hi] as number;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

/**
 * B's sign patterns under the rotations and flips, by the parity of the row and column: a mirror
 * along an axis negates the coefficients odd in it (DCT rows 1, 3, … are stored at even indices).
 * Pattern bit 1 negates the even columns (flipy, and rot90 transposed), bit 2 the even rows (flipx,
 * and rot270 transposed); both negate where i + j is odd (rot180, and flipm transposed).
 */
const SIGNS = [0, 1, 2, 3].map((pattern) =>
  Float64Array.from({ length: COEFFICIENTS }, (_, k) => {
    const negateColumn = (pattern & 1) !== 0 && (k & 1) === 0;
    const negateRow = (pattern & 2) !== 0 && ((k >> 4) & 1) === 0;
    return negateColumn !== negateRow ? -1 : 1;
  }),
);
/**
 * The hashes in the order they are computed, each sign pattern as is and transposed: orig, flipp,
 * flipy, rot90, flipx, rot270, rot180, flipm.
 */
const HASH_COUNT = 8;
const block = new Float32Array(DOWNSAMPLED * DOWNSAMPLED);
const coefficients = new Float64Array(COEFFICIENTS);
const selection = new Float64Array(COEFFICIENTS);
/** The 16 words of each hash, in computation order. */
const words = new Int32Array(HASH_COUNT * DCT_SIDE);
const HEX_DIGITS = Uint8Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
const hexBytes = new Uint8Array(HASH_COUNT * 64);
const ascii = new TextDecoder();

/**
 * The words of the hashes of B under sign pattern `pattern`, as is and transposed: bits above the
 * median (a transpose has the same values, so the same median; its words are the bit matrix
 * transposed).
 */
function hashWords(pattern: number) {
  const signs = SIGNS[pattern] as Float64Array;
  for (let k = 0; k < COEFFICIENTS; k++) selection[k] = (coefficients[k] as number) * (signs[k] as number);
  const median = kthSmallest(selection, COEFFICIENTS / 2 - 1);
  const straight = 2 * pattern * DCT_SIDE;
  for (let word = 0; word < DCT_SIDE; word++) {
    let bits = 0;
    for (let bit = 0; bit < DCT_SIDE; bit++) {
      const k = word * DCT_SIDE + bit;
      bits |= ((coefficients[k] as number) * (signs[k] as number) > median ? 1 : 0) << bit;
    }
    words[straight + word] = bits;
  }
  const transposed = straight + DCT_SIDE;
  for (let word = 0; word < DCT_SIDE; word++) {
    let bits = 0;
    for (let bit = 0; bit < DCT_SIDE; bit++) bits |= (((words[straight + bit] as number) >> word) & 1) << bit;
    words[transposed + word] = bits;
  }
}

/** The eight dihedral hashes of `coefficients`, as hex (written as one ASCII string, then cut). */
function dihedralHashes(): Record<DihedralTransform, string> {
  for (let pattern = 0; pattern < 4; pattern++) hashWords(pattern);
  let at = 0;
  for (let hash = 0; hash < HASH_COUNT; hash++) {
    for (let word = DCT_SIDE - 1; word >= 0; word--, at += 4) {
      const value = words[hash * DCT_SIDE + word] as number;
      hexBytes[at] = HEX_DIGITS[value >> 12] as number;
      hexBytes[at + 1] = HEX_DIGITS[(value >> 8) & 15] as number;
      hexBytes[at + 2] = HEX_DIGITS[(value >> 4) & 15] as number;
      hexBytes[at + 3] = HEX_DIGITS[value & 15] as number;
    }
  }
  const all = ascii.decode(hexBytes);
  const hex = (hash: number) => all.slice(hash * 64, hash * 64 + 64);
  return {
    orig: hex(0),
    rot90: hex(3),
    rot180: hex(6),
    rot270: hex(5),
    flipx: hex(4),
    flipy: hex(2),
    flipp: hex(1),
    flipm: hex(7),
  };
}

const ZERO_HASH = "0".repeat(64);

/** The PDQ hash, quality and dihedral hashes of an image. */
export function pdqHash(image: RgbaImage): PdqResult {
  const large = image.width > PDQ_REFERENCE_SIDE || image.height > PDQ_REFERENCE_SIDE;
  const cols = large ? PDQ_REFERENCE_SIDE : image.width;
  const rows = large ? PDQ_REFERENCE_SIDE : image.height;
  if (rows < MIN_HASHABLE_SIDE || cols < MIN_HASHABLE_SIDE) {
    const dihedral = Object.fromEntries(DIHEDRAL_TRANSFORMS.map((t) => [t, ZERO_HASH]));
    return { hash: ZERO_HASH, quality: 0, dihedral: dihedral as Record<DihedralTransform, string> };
  }
  const rowPlan = planFor(image.height, rows);
  const colPlan = planFor(image.width, cols);
  const m = rowPlan.samples.length;
  const n = colPlan.samples.length;
  downsample(image, rowPlan, colPlan, block);
  const score = quality(block, m, n, rowPlan.repeats, colPlan.repeats);
  dct16(block, m, n, rowPlan.dct, colPlan.dct, coefficients);
  const dihedral = dihedralHashes();
  return { hash: dihedral.orig, quality: score, dihedral };
}
