import { DOWNSAMPLED } from "./pdq-downsample";

/**
 * PDQ's DCT (see pdq.ts): B = D A Dᵀ, with D rows 1–16 of the 64-point DCT-II in floats and A the
 * 64 × 64 samples; each product's entries are summed in doubles and rounded to floats. Two
 * savings, both exact in real arithmetic:
 *
 * - Repeated samples (sides under 64 px) are one distinct sample: D gets one column per distinct
 *   sample, the sum of the columns that land on it, and A shrinks to m × n.
 * - Row u of D is even about its middle for even u and odd for odd u (exactly, in floats; also
 *   after merging, since sampling is symmetric), so each product folds its input in half first:
 *   sums of mirrored rows for the even rows, differences for the odd ones.
 *
 * This changes the order in which the double sums round. On the reference images, and on noise
 * and smooth test images, every coefficient still comes out bit for bit as the unfolded sums give
 * it; in general one can move only in its last bits (under 3·10⁻¹⁵ of the largest, measured), so
 * a hash bit can change only between coefficients tied in real arithmetic: images such as
 * checkerboards, whose coefficients are mostly exact zeros that unfolded sums leave as rounding
 * noise (as the float reference does, with other noise). Folded, those zeros come out as 0.
 */

const DCT_SIDE = 16;
/** DCT rows per frequency parity. */
const HALF = DCT_SIDE / 2;
export const COEFFICIENTS = DCT_SIDE * DCT_SIDE;
const f32 = Math.fround;

/** The 16 × 64 DCT matrix, rows 1–16 of the 64-point DCT-II, in 32-bit floats. */
const DCT = (() => {
  const matrix = new Float32Array(DCT_SIDE * DOWNSAMPLED);
  const scale = f32(Math.sqrt(2 / DOWNSAMPLED));
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < DOWNSAMPLED; j++) {
      matrix[i * DOWNSAMPLED + j] = scale * Math.cos((Math.PI / 2 / DOWNSAMPLED) * (i + 1) * (2 * j + 1));
    }
  }
  return matrix;
})();

/**
 * The DCT matrix of one axis on its m distinct samples, folded: `even` (8 × ⌈m/2⌉) holds rows 2,
 * 4, … 16 over the first half of the columns (the middle one included when m is odd), `odd`
 * (8 × ⌊m/2⌋) rows 1, 3, … 15 (whose middle column is 0).
 */
export interface FoldedDct {
  even: Float64Array;
  odd: Float64Array;
}

/** The folded DCT of an axis whose 64 samples fall on distinct samples `sampleOf` (m of them). */
export function foldedDct(sampleOf: Int32Array, m: number): FoldedDct {
  // Columns landing on one distinct sample summed (exact: a few floats within 2⁸ of each other).
  const merged = new Float64Array(DCT_SIDE * m);
  for (let i = 0; i < DCT_SIDE; i++)
    for (let k = 0; k < DOWNSAMPLED; k++) {
      const at = i * m + (sampleOf[k] as number);
      merged[at] = (merged[at] as number) + (DCT[i * DOWNSAMPLED + k] as number);
    }
  const half = m >> 1;
  const evenWidth = m - half;
  const even = new Float64Array(HALF * evenWidth);
  const odd = new Float64Array(HALF * half);
  // The fold relies on the symmetry holding exactly, so it is checked rather than assumed.
  for (let r = 0; r < HALF; r++) {
    const evenRow = (2 * r + 1) * m;
    const oddRow = 2 * r * m;
    for (let q = 0; q < evenWidth; q++) {
      const value = merged[evenRow + q] as number;
      if (merged[evenRow + m - 1 - q] !== value) throw new Error("PDQ: DCT rows are not symmetric");
      even[r * evenWidth + q] = value;
    }
    for (let q = 0; q < half; q++) {
      const value = merged[oddRow + q] as number;
      if (merged[oddRow + m - 1 - q] !== -value) throw new Error("PDQ: DCT rows are not antisymmetric");
      odd[r * half + q] = value;
    }
    if (m & 1 && merged[oddRow + half] !== 0) throw new Error("PDQ: DCT middle column is not 0");
  }
  return { even, odd };
}

const rowSums = new Float64Array((DOWNSAMPLED / 2) * DOWNSAMPLED);
const rowDifferences = new Float64Array((DOWNSAMPLED / 2) * DOWNSAMPLED);
/** T = D A: rows 0–7 are DCT rows 1, 3, … 15, rows 8–15 rows 2, 4, … 16. */
const partial = new Float64Array(DCT_SIDE * DOWNSAMPLED);
const columnSums = new Float64Array(DCT_SIDE * (DOWNSAMPLED / 2));
const columnDifferences = new Float64Array(DCT_SIDE * (DOWNSAMPLED / 2));
/** B = T Dᵀ by column parity: columns 1, 3, … 15 and 2, 4, … 16, one row per row of `partial`. */
const oddColumns = new Float64Array(DCT_SIDE * HALF);
const evenColumns = new Float64Array(DCT_SIDE * HALF);

/** B = D A Dᵀ of the m × n distinct samples `block`, into `out` (16 × 16, row-major). */
export function dct16(
  block: Float32Array,
  m: number,
  n: number,
  rows: FoldedDct,
  cols: FoldedDct,
  out: Float64Array,
) {
  const half = m >> 1;
  const halfN = n >> 1;
  foldRows(block, m, n, rowSums, rowDifferences);
  multiply(rows.odd, rowDifferences, partial, 0, half, n);
  multiply(rows.even, rowSums, partial, HALF, m - half, n);
  foldColumns(partial, n, columnSums, columnDifferences);
  multiplyByRows(columnDifferences, cols.odd, oddColumns, halfN);
  multiplyByRows(columnSums, cols.even, evenColumns, n - halfN);
  for (let r = 0; r < DCT_SIDE; r++) {
    const i = r < HALF ? 2 * r : 2 * (r - HALF) + 1;
    for (let s = 0; s < HALF; s++) {
      out[i * DCT_SIDE + 2 * s] = oddColumns[r * HALF + s] as number;
      out[i * DCT_SIDE + 2 * s + 1] = evenColumns[r * HALF + s] as number;
    }
  }
}

/**
 * Rows `cRow`… of C (8 × b) = X (8 × k) · Y (k × b): each entry summed in doubles in k order and
 * rounded to a float. Two rows by four columns at a time, so independent sums overlap.
 */
function multiply(x: Float64Array, y: Float64Array, c: Float64Array, cRow: number, k: number, b: number) {
  const quads = b & ~3;
  for (let i = 0; i < HALF; i += 2) {
    const x0 = i * k;
    const x1 = x0 + k;
    const c0 = (cRow + i) * b;
    const c1 = c0 + b;
    for (let j = 0; j < quads; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let l = 0; l < k; l++) {
        const u = x[x0 + l] as number;
        const v = x[x1 + l] as number;
        const at = l * b + j;
        const y0 = y[at] as number;
        const y1 = y[at + 1] as number;
        const y2 = y[at + 2] as number;
        const y3 = y[at + 3] as number;
        s0 += u * y0;
        s1 += u * y1;
        s2 += u * y2;
        s3 += u * y3;
        t0 += v * y0;
        t1 += v * y1;
        t2 += v * y2;
        t3 += v * y3;
      }
      c[c0 + j] = f32(s0);
      c[c0 + j + 1] = f32(s1);
      c[c0 + j + 2] = f32(s2);
      c[c0 + j + 3] = f32(s3);
      c[c1 + j] = f32(t0);
      c[c1 + j + 1] = f32(t1);
      c[c1 + j + 2] = f32(t2);
      c[c1 + j + 3] = f32(t3);
    }
    for (let j = quads; j < b; j++) {
      let s = 0;
      let t = 0;
      for (let l = 0; l < k; l++) {
        const yl = y[l * b + j] as number;
        s += (x[x0 + l] as number) * yl;
        t += (x[x1 + l] as number) * yl;
      }
      c[c0 + j] = f32(s);
      c[c1 + j] = f32(t);
    }
  }
}

/**
 * C (16 × 8) = X (16 × k) · Yᵀ (Y is 8 × k): each entry the dot product of two rows, summed in
 * doubles in k order and rounded to a float. Two by two at a time, so independent sums overlap.
 */
function multiplyByRows(x: Float64Array, y: Float64Array, c: Float64Array, k: number) {
  for (let i = 0; i < DCT_SIDE; i += 2) {
    const x0 = i * k;
    const x1 = x0 + k;
    for (let j = 0; j < HALF; j += 2) {
      const y0 = j * k;
      const y1 = y0 + k;
      let s0 = 0;
      let s1 = 0;
      let t0 = 0;
      let t1 = 0;
      for (let l = 0; l < k; l++) {
        const u = x[x0 + l] as number;
        const v = x[x1 + l] as number;
        const p = y[y0 + l] as number;
        const q = y[y1 + l] as number;
        s0 += u * p;
        s1 += u * q;
        t0 += v * p;
        t1 += v * q;
      }
      c[i * HALF + j] = f32(s0);
      c[i * HALF + j + 1] = f32(s1);
      c[(i + 1) * HALF + j] = f32(t0);
      c[(i + 1) * HALF + j + 1] = f32(t1);
    }
  }
}

/**
 * Folds the m × n samples about their middle row: `sums` (⌈m/2⌉ × n) gets row q plus row m − 1 − q
 * (the middle row alone when m is odd), `differences` (⌊m/2⌋ × n) row q minus row m − 1 − q.
 */
function foldRows(input: Float32Array, m: number, n: number, sums: Float64Array, differences: Float64Array) {
  const half = m >> 1;
  for (let q = 0; q < half; q++) {
    const top = q * n;
    const bottom = (m - 1 - q) * n;
    for (let p = 0; p < n; p++) {
      const a = input[top + p] as number;
      const b = input[bottom + p] as number;
      sums[top + p] = a + b;
      differences[top + p] = a - b;
    }
  }
  if (m & 1) for (let p = 0; p < n; p++) sums[half * n + p] = input[half * n + p] as number;
}

/** The same fold about the middle column, for each of the 16 rows of `input` (16 × n). */
function foldColumns(input: Float64Array, n: number, sums: Float64Array, differences: Float64Array) {
  const half = n >> 1;
  const evenWidth = n - half;
  for (let r = 0; r < DCT_SIDE; r++) {
    const row = r * n;
    for (let p = 0; p < half; p++) {
      const a = input[row + p] as number;
      const b = input[row + n - 1 - p] as number;
      sums[r * evenWidth + p] = a + b;
      differences[r * half + p] = a - b;
    }
    if (n & 1) sums[r * evenWidth + half] = input[row + half] as number;
  }
}
