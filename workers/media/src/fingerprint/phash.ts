import type { RgbaImage } from "./decode";

/**
 * The 64-bit DCT pHash in python `imagehash`'s `phash` variant (hash_size 8, highfreq_factor 4),
 * following its steps so hashes agree with it:
 *
 * 1. Grey as Pillow's `convert("L")`: (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16; alpha ignored.
 * 2. Resize to 32 × 32 with Pillow's Lanczos (a = 3, the kernel widened by the scale factor when
 *    shrinking), horizontally then vertically, each pass in 22-bit fixed point rounded to 8 bits.
 * 3. Unnormalised DCT-II along columns, then rows.
 * 4. The top-left 8 × 8 block (DC included); bit = coefficient > the block's median (mean of the
 *    32nd and 33rd smallest).
 *
 * Bit order: row-major over the 8 × 8 block, the first coefficient (DC) the most significant bit
 * of the 64; written as 16 lowercase hex characters.
 */

const SIDE = 32;
const BLOCK = 8;
const LANCZOS_SUPPORT = 3;
const PRECISION_BITS = 32 - 8 - 2;

const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
const lanczos = (x: number) =>
  x >= -LANCZOS_SUPPORT && x < LANCZOS_SUPPORT ? sinc(x) * sinc(x / LANCZOS_SUPPORT) : 0;

/** Pillow's resampling coefficients for one axis: for each output sample, its first input and integer weights. */
function coefficients(inSize: number, outSize: number): { start: number; weights: Int32Array }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = LANCZOS_SUPPORT * filterScale;
  const out = [];
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const start = Math.max(0, Math.trunc(center - support + 0.5));
    const end = Math.min(inSize, Math.trunc(center + support + 0.5));
    const weights = [];
    let total = 0;
    for (let x = start; x < end; x++) {
      const w = lanczos((x - center + 0.5) / filterScale);
      weights.push(w);
      total += w;
    }
    const fixed = new Int32Array(weights.length);
    weights.forEach((w, k) => {
      const normalised = total === 0 ? w : w / total;
      fixed[k] = Math.trunc(normalised * (1 << PRECISION_BITS) + (normalised < 0 ? -0.5 : 0.5));
    });
    out.push({ start, weights: fixed });
  }
  return out;
}

const clip8 = (sum: number) => Math.min(255, Math.max(0, Math.floor(sum / 2 ** PRECISION_BITS)));

/** One resampling pass along rows (`horizontal`) or columns, on 8-bit grey. */
function resamplePass(
  input: Uint8Array,
  width: number,
  height: number,
  outSize: number,
  horizontal: boolean,
): { data: Uint8Array; width: number; height: number } {
  const outWidth = horizontal ? outSize : width;
  const outHeight = horizontal ? height : outSize;
  const taps = coefficients(horizontal ? width : height, outSize);
  const out = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const { start, weights } = taps[horizontal ? x : y] ?? { start: 0, weights: new Int32Array() };
      let sum = 2 ** (PRECISION_BITS - 1);
      for (let k = 0; k < weights.length; k++) {
        const source = horizontal ? y * width + start + k : (start + k) * width + x;
        sum += (input[source] ?? 0) * (weights[k] ?? 0);
      }
      out[y * outWidth + x] = clip8(sum);
    }
  }
  return { data: out, width: outWidth, height: outHeight };
}

/** Pillow's `convert("L")` then `resize((32, 32), LANCZOS)`. */
export function greyThumbnail(image: RgbaImage): Uint8Array {
  const grey = new Uint8Array(image.width * image.height);
  for (let i = 0, p = 0; i < grey.length; i++, p += 4) {
    grey[i] =
      ((image.data[p] ?? 0) * 19595 +
        (image.data[p + 1] ?? 0) * 38470 +
        (image.data[p + 2] ?? 0) * 7471 +
        0x8000) >>>
      16;
  }
  let current: { data: Uint8Array; width: number; height: number } = {
    data: grey,
    width: image.width,
    height: image.height,
  };
  if (current.width !== SIDE) current = resamplePass(current.data, current.width, current.height, SIDE, true);
  if (current.height !== SIDE)
    current = resamplePass(current.data, current.width, current.height, SIDE, false);
  return current.data;
}

/** Unnormalised DCT-II of a strided line (as scipy.fftpack.dct type 2): y[k] = 2 Σ x[n] cos(π k (2n+1) / 2N). */
const COSINES = (() => {
  const table = new Float64Array(SIDE * SIDE);
  for (let k = 0; k < SIDE; k++)
    for (let n = 0; n < SIDE; n++)
      table[k * SIDE + n] = 2 * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * SIDE));
  return table;
})();

/** The 64-bit pHash of an image, as 16 hex characters. */
export function phash(image: RgbaImage): string {
  const pixels = greyThumbnail(image);
  // Along columns (axis 0): only the first 8 output rows are needed.
  const columns = new Float64Array(BLOCK * SIDE);
  for (let k = 0; k < BLOCK; k++) {
    for (let x = 0; x < SIDE; x++) {
      let sum = 0;
      for (let n = 0; n < SIDE; n++) sum += (pixels[n * SIDE + x] ?? 0) * (COSINES[k * SIDE + n] ?? 0);
      columns[k * SIDE + x] = sum;
    }
  }
  // Along rows (axis 1): the first 8 coefficients of each of those rows.
  const block = new Float64Array(BLOCK * BLOCK);
  for (let r = 0; r < BLOCK; r++) {
    for (let k = 0; k < BLOCK; k++) {
      let sum = 0;
      for (let n = 0; n < SIDE; n++) sum += (columns[r * SIDE + n] ?? 0) * (COSINES[k * SIDE + n] ?? 0);
      block[r * BLOCK + k] = sum;
    }
  }
  const sorted = Float64Array.from(block).sort();
  const median = ((sorted[31] ?? 0) + (sorted[32] ?? 0)) / 2;
  let hash = 0n;
  for (const value of block) hash = (hash << 1n) | (value > median ? 1n : 0n);
  return hash.toString(16).padStart(16, "0");
}
