import type { RgbaImage } from "./decode";

/**
 * PDQ, Meta's 256-bit perceptual image hash, after the published algorithm (pdqhash-2017-10-09)
 * and the steps of its reference implementation, so hashes agree with it:
 *
 * 1. Images wider or taller than 512 px are first resized to exactly 512 × 512 by nearest
 *    neighbour (aspect ratio not kept), as the reference's image loading does.
 * 2. Luma Y = 0.299 R + 0.587 G + 0.114 B in 32-bit floats; alpha is ignored.
 * 3. Two passes of a Jarosz box filter per axis (window ⌈dimension / 128⌉), then decimation to
 *    64 × 64 by sampling each block's centre (sums here and in the DCT are kept in doubles, not the reference's floats).
 * 4. Quality: the sum of quantised neighbour gradients of the 64 × 64 image / 90, capped at 100.
 * 5. DCT: rows and columns 1–16 of the 64-point DCT-II (the DC term is skipped): B = D A Dᵀ.
 * 6. Bit i·16 + j is set when B[i][j] is above the median (the 128th smallest of the 256).
 *
 * The hex form is the reference's: 16 words of 16 bits, word 15 first; word i holds row i of B,
 * bit j = column j. The eight dihedral hashes (rotations and flips of the image) come from sign
 * changes and transposes of B, without re-hashing the image.
 */

export const PDQ_REFERENCE_SIDE = 512;
const DOWNSAMPLED = 64;
const DCT_SIDE = 16;
/** Images smaller than this on either side get an all-zero hash of quality 0, as in the reference. */
const MIN_HASHABLE_SIDE = 5;

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

const f32 = Math.fround;
const LUMA_R = f32(0.299);
const LUMA_G = f32(0.587);
const LUMA_B = f32(0.114);

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

/** Float luma of the image as the reference sees it (resized to 512 × 512 first when larger). */
export function pdqLuma(image: RgbaImage): { luma: Float32Array; rows: number; cols: number } {
  const large = image.width > PDQ_REFERENCE_SIDE || image.height > PDQ_REFERENCE_SIDE;
  const cols = large ? PDQ_REFERENCE_SIDE : image.width;
  const rows = large ? PDQ_REFERENCE_SIDE : image.height;
  const luma = new Float32Array(rows * cols);
  const { data, width, height } = image;
  const sourceCols = Int32Array.from({ length: cols }, (_, x) =>
    large ? Math.floor((x * width) / cols) : x,
  );
  for (let y = 0; y < rows; y++) {
    const rowStart = (large ? Math.floor((y * height) / rows) : y) * width;
    const out = y * cols;
    for (let x = 0; x < cols; x++) {
      const p = (rowStart + (sourceCols[x] as number)) * 4;
      luma[out + x] =
        LUMA_R * (data[p] as number) + LUMA_G * (data[p + 1] as number) + LUMA_B * (data[p + 2] as number);
    }
  }
  return { luma, rows, cols };
}

const jaroszWindow = (dimension: number) => Math.trunc((dimension + 2 * DOWNSAMPLED - 1) / (2 * DOWNSAMPLED));

/** The phases of one box-filter pass over `length` samples with window `window` (see boxRows). */
function phases(length: number, window: number) {
  const half = Math.trunc((window + 2) / 2);
  return { lead: half - 1, growing: window - half + 1, steady: length - window, trailing: half - 1 };
}

/**
 * One box-filter pass along every row. The window grows from half its size at the start and
 * shrinks at the end, each output being the mean of the samples it covers (no padding).
 */
function boxRows(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number) {
  const { lead, growing, steady, trailing } = phases(cols, window);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let sum = 0;
    let count = 0;
    let right = base;
    let left = base;
    let out = base;
    for (let i = 0; i < lead; i++) {
      sum += input[right++] as number;
      count++;
    }
    for (let i = 0; i < growing; i++) {
      sum += input[right++] as number;
      output[out++] = sum / ++count;
    }
    for (let i = 0; i < steady; i++) {
      sum += (input[right++] as number) - (input[left++] as number);
      output[out++] = sum / count;
    }
    for (let i = 0; i < trailing; i++) {
      sum -= input[left++] as number;
      output[out++] = sum / --count;
    }
  }
}

/** The same pass along every column, swept row by row (with a running sum per column) so memory is read in order. */
function boxColumns(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number) {
  const { lead, growing, steady, trailing } = phases(rows, window);
  const sums = new Float64Array(cols);
  let count = 0;
  let right = 0;
  let left = 0;
  let out = 0;
  // Each step adds the row entering the window, takes away the row leaving it, and writes the means.
  const step = (adds: boolean, subtracts: boolean, writes: boolean) => {
    const r = right * cols;
    const l = left * cols;
    const o = out * cols;
    for (let c = 0; c < cols; c++) {
      let sum = sums[c] as number;
      if (adds) sum += input[r + c] as number;
      if (subtracts) sum -= input[l + c] as number;
      sums[c] = sum;
      if (writes) output[o + c] = sum / count;
    }
  };
  for (let i = 0; i < lead; i++) {
    count++;
    step(true, false, false);
    right++;
  }
  for (let i = 0; i < growing; i++) {
    count++;
    step(true, false, true);
    right++;
    out++;
  }
  for (let i = 0; i < steady; i++) {
    step(true, true, true);
    right++;
    left++;
    out++;
  }
  for (let i = 0; i < trailing; i++) {
    count--;
    step(false, true, true);
    left++;
    out++;
  }
}

/** Box-filter output `o` of a line covers these samples (the same spans as boxRows' phases). */
function span(o: number, length: number, window: number): [number, number] {
  const half = Math.trunc((window + 2) / 2);
  return [Math.max(0, o - (window - half)), Math.min(length - 1, o + half - 1)];
}

/**
 * The 64 × 64 downsample: two Jarosz passes, then decimation at block centres. The first pass
 * filters every pixel; of the second, only what the 64 × 64 samples read is computed (each
 * sample's row window at its column, then its column window), which gives the same values.
 */
function downsample(luma: Float32Array, rows: number, cols: number): Float32Array {
  const scratch = new Float32Array(luma.length);
  const alongRows = jaroszWindow(cols);
  const alongCols = jaroszWindow(rows);
  boxRows(luma, scratch, rows, cols, alongRows);
  boxColumns(scratch, luma, rows, cols, alongCols);
  const sampleRows = Array.from({ length: DOWNSAMPLED }, (_, i) =>
    Math.trunc(((i + 0.5) * rows) / DOWNSAMPLED),
  );
  const sampleCols = Array.from({ length: DOWNSAMPLED }, (_, j) =>
    Math.trunc(((j + 0.5) * cols) / DOWNSAMPLED),
  );
  // Second row pass, at the sampled columns only: rowPass[r * 64 + j].
  const rowPass = new Float32Array(rows * DOWNSAMPLED);
  const colSpans = sampleCols.map((c) => span(c, cols, alongRows));
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let j = 0; j < DOWNSAMPLED; j++) {
      const [lo, hi] = colSpans[j] as [number, number];
      let sum = 0;
      for (let c = lo; c <= hi; c++) sum += luma[base + c] as number;
      rowPass[r * DOWNSAMPLED + j] = sum / (hi - lo + 1);
    }
  }
  // Second column pass, at the sampled rows only.
  const out = new Float32Array(DOWNSAMPLED * DOWNSAMPLED);
  for (let i = 0; i < DOWNSAMPLED; i++) {
    const [lo, hi] = span(sampleRows[i] as number, rows, alongCols);
    for (let j = 0; j < DOWNSAMPLED; j++) {
      let sum = 0;
      for (let r = lo; r <= hi; r++) sum += rowPass[r * DOWNSAMPLED + j] as number;
      out[i * DOWNSAMPLED + j] = sum / (hi - lo + 1);
    }
  }
  return out;
}

/** How much structure the image has: quantised neighbour gradients, 0–100. */
export function pdqQuality(block: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < DOWNSAMPLED; i++) {
    for (let j = 0; j < DOWNSAMPLED; j++) {
      const u = block[i * DOWNSAMPLED + j] ?? 0;
      if (i < DOWNSAMPLED - 1)
        sum += Math.abs(Math.trunc(f32(f32((u - (block[(i + 1) * DOWNSAMPLED + j] ?? 0)) * 100) / 255)));
      if (j < DOWNSAMPLED - 1)
        sum += Math.abs(Math.trunc(f32(f32((u - (block[i * DOWNSAMPLED + j + 1] ?? 0)) * 100) / 255)));
    }
  }
  return Math.min(100, Math.trunc(sum / 90));
}

/** B = D A Dᵀ: the 16 × 16 low-frequency DCT coefficients (without DC) of the 64 × 64 block. */
function dct16(block: Float32Array): Float32Array {
  const t = new Float32Array(DCT_SIDE * DOWNSAMPLED);
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < DOWNSAMPLED; j++) {
      let sum = 0;
      for (let k = 0; k < DOWNSAMPLED; k++)
        sum += (DCT[i * DOWNSAMPLED + k] as number) * (block[k * DOWNSAMPLED + j] as number);
      t[i * DOWNSAMPLED + j] = sum;
    }
  }
  const b = new Float32Array(DCT_SIDE * DCT_SIDE);
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < DCT_SIDE; j++) {
      let sum = 0;
      for (let k = 0; k < DOWNSAMPLED; k++)
        sum += (t[i * DOWNSAMPLED + k] as number) * (DCT[j * DOWNSAMPLED + k] as number);
      b[i * DCT_SIDE + j] = sum;
    }
  }
  return b;
}

/** The coefficients of a rotated or flipped image: sign changes and transposes of the original's. */
function dihedral(b: Float32Array, transform: DihedralTransform): Float32Array {
  const out = new Float32Array(b.length);
  const odd = (n: number) => (n & 1) === 1;
  const at = (r: number, c: number, value: number) => {
    out[r * DCT_SIDE + c] = value;
  };
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < DCT_SIDE; j++) {
      const v = b[i * DCT_SIDE + j] ?? 0;
      switch (transform) {
        case "orig":
          at(i, j, v);
          break;
        case "rot90":
          at(j, i, odd(j) ? v : -v);
          break;
        case "rot180":
          at(i, j, odd(i + j) ? -v : v);
          break;
        case "rot270":
          at(j, i, odd(i) ? v : -v);
          break;
        case "flipx":
          at(i, j, odd(i) ? v : -v);
          break;
        case "flipy":
          at(i, j, odd(j) ? v : -v);
          break;
        case "flipp":
          at(j, i, v);
          break;
        case "flipm":
          at(j, i, odd(i + j) ? -v : v);
          break;
      }
    }
  }
  return out;
}

/** The hash bits of 16 × 16 coefficients, as hex: above-median bits, word 15 first. */
function toHex(b: Float32Array): string {
  const median = Float32Array.from(b).sort()[(DCT_SIDE * DCT_SIDE) / 2 - 1] ?? 0;
  let hex = "";
  for (let word = DCT_SIDE - 1; word >= 0; word--) {
    let bits = 0;
    for (let bit = 0; bit < DCT_SIDE; bit++) if ((b[word * DCT_SIDE + bit] ?? 0) > median) bits |= 1 << bit;
    hex += bits.toString(16).padStart(4, "0");
  }
  return hex;
}

/** The PDQ hash, quality and dihedral hashes of an image. */
export function pdqHash(image: RgbaImage): PdqResult {
  const { luma, rows, cols } = pdqLuma(image);
  if (rows < MIN_HASHABLE_SIDE || cols < MIN_HASHABLE_SIDE) {
    const zero = "0".repeat(64);
    return {
      hash: zero,
      quality: 0,
      dihedral: Object.fromEntries(DIHEDRAL_TRANSFORMS.map((t) => [t, zero])) as Record<
        DihedralTransform,
        string
      >,
    };
  }
  const block = downsample(luma, rows, cols);
  const coefficients = dct16(block);
  const hashes = Object.fromEntries(
    DIHEDRAL_TRANSFORMS.map((transform) => [transform, toHex(dihedral(coefficients, transform))]),
  ) as Record<DihedralTransform, string>;
  return { hash: hashes.orig, quality: pdqQuality(block), dihedral: hashes };
}
