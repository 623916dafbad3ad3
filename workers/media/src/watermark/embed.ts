import type { RgbaImage } from "../fingerprint/decode";
import { ssimLuma } from "./attacks";
import { convolutionalEncode } from "./convolutional";
import { CELLS_PER_SHORT_SIDE, TILE, tileLayout } from "./layout";
import { tileValues } from "./pattern";
import { payloadBits } from "./payload";
import { gaussianBlur, luma, resample } from "./raster";

export interface EmbedOptions {
  /** Target PSNR (RGB, peak 255) of the marked image against the original; default 38.6 dB. */
  psnrDb?: number;
}

/**
 * The quality floor is 38 dB mean and 36 dB per image; aiming every image at 38.6 dB keeps the
 * mean above 38 on any set of images (rounding and clipping move it by about ±0.2 dB).
 */
export const DEFAULT_PSNR_DB = 38.6;

/**
 * Adds the key's tile pattern, carrying `payloadId`, to the luma of `image` (the same offset on R,
 * G and B, so 4:2:0 chroma subsampling cannot remove it). The amplitude follows local texture
 * (see `activityMask`) and is scaled so the whole image meets the target PSNR. Alpha is copied
 * unchanged.
 */
export function embedWatermark(
  image: RgbaImage,
  key: Uint8Array,
  payloadId: bigint,
  options: EmbedOptions = {},
): RgbaImage {
  const { width, height } = image;
  const layout = tileLayout(key);
  const values = tileValues(layout, convolutionalEncode(payloadBits(payloadId, layout.tagKey)));
  const cellPx = Math.min(width, height) / CELLS_PER_SHORT_SIDE;
  const mask = activityMask(image, cellPx);
  const targetRms = 255 / 10 ** ((options.psnrDb ?? DEFAULT_PSNR_DB) / 20);

  // The tile is bilinear between cell centres, so each pixel needs its column's and row's two
  // neighbouring cells and weights: worked out once per column and per row, not per pixel.
  const columns = axisTaps(width, cellPx);
  const rows = axisTaps(height, cellPx);
  const delta = new Float32Array(width * height);
  let energy = 0;
  for (let y = 0; y < height; y++) {
    const r0 = (rows.first[y] as number) * TILE;
    const r1 = (rows.second[y] as number) * TILE;
    const fv = rows.weight[y] as number;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const c0 = columns.first[x] as number;
      const c1 = columns.second[x] as number;
      const fu = columns.weight[x] as number;
      const top = (values[r0 + c0] as number) * (1 - fu) + (values[r0 + c1] as number) * fu;
      const bottom = (values[r1 + c0] as number) * (1 - fu) + (values[r1 + c1] as number) * fu;
      const d = (mask[i] as number) * (top * (1 - fv) + bottom * fv);
      delta[i] = d;
      energy += d * d;
    }
  }
  const gain = energy > 0 ? targetRms / Math.sqrt(energy / (width * height)) : 0;
  let out = addDelta(image, delta, gain);
  // Guard the structural-similarity floor on any picture: where the mark would cost more luma
  // SSIM than SSIM_TARGET allows (flat, smooth pictures), trade amplitude for it. SSIM's loss grows
  // with the square of the amplitude, which gives the scale; one correction lands within rounding.
  const ssim = ssimLuma(image, out);
  if (ssim < SSIM_TARGET) out = addDelta(image, delta, gain * Math.sqrt((1 - SSIM_TARGET) / (1 - ssim)));
  return out;
}

/** Luma SSIM the embedder keeps (floor 0.97, with room for rounding and for the estimate). */
const SSIM_TARGET = 0.972;

/** The image plus `gain` × `delta` on R, G and B, rounded and clipped to 8 bits. */
function addDelta(image: RgbaImage, delta: Float32Array, gain: number): RgbaImage {
  const out = new Uint8ClampedArray(image.data);
  for (let i = 0, p = 0; i < delta.length; i++, p += 4) {
    const d = (delta[i] ?? 0) * gain;
    out[p] = Math.round((out[p] ?? 0) + d);
    out[p + 1] = Math.round((out[p + 1] ?? 0) + d);
    out[p + 2] = Math.round((out[p + 2] ?? 0) + d);
  }
  return { width: image.width, height: image.height, data: out };
}

/**
 * For each pixel along one axis of `length` pixels, the two tile cells (mod TILE) whose centres
 * bracket it and the weight of the second: `sampleTile` split by axis (cell i spans [i, i + 1) in
 * cell units, its centre is i + ½).
 */
function axisTaps(
  length: number,
  cellPx: number,
): { first: Int32Array; second: Int32Array; weight: Float32Array } {
  const first = new Int32Array(length);
  const second = new Int32Array(length);
  const weight = new Float32Array(length);
  for (let p = 0; p < length; p++) {
    const t = (p + 0.5) / cellPx - 0.5;
    const i0 = Math.floor(t);
    first[p] = ((i0 % TILE) + TILE) % TILE;
    second[p] = (((i0 + 1) % TILE) + TILE) % TILE;
    weight[p] = t - i0;
  }
  return { first, second, weight };
}

/** Pixels per cell at which the activity mask is worked out (it varies over about a cell). */
const MASK_CELL_PX = 4;

/**
 * Relative embedding strength per pixel: the local luma standard deviation over about a cell,
 * with a floor so flat areas (sky, studio backdrops) still carry some mark, and a ceiling so edges
 * do not take all of the budget. The window is half a cell wide, so the mask is computed at
 * MASK_CELL_PX pixels per cell and interpolated back: luma and its square are area-averaged down
 * first, which keeps the local means exact, so fine texture still counts in the deviation.
 */
function activityMask(image: RgbaImage, cellPx: number): Float32Array {
  const y = luma(image);
  const { width, height } = y;
  const factor = Math.min(1, MASK_CELL_PX / cellPx);
  const w = Math.max(1, Math.round(width * factor));
  const h = Math.max(1, Math.round(height * factor));
  const sigma = Math.max(1, (cellPx * factor) / 2);
  const mean = gaussianBlur(resample(y, w, h), sigma).data;
  const meanSq = gaussianBlur(resample({ width, height, data: y.data.map((v) => v * v) }, w, h), sigma).data;
  const small = new Float32Array(w * h);
  for (let i = 0; i < small.length; i++) {
    const sd = Math.sqrt(Math.max(0, (meanSq[i] ?? 0) - (mean[i] ?? 0) ** 2));
    small[i] = Math.min(MASK_CEILING, MASK_FLOOR + sd);
  }
  return w === width && h === height
    ? small
    : resample({ width: w, height: h, data: small }, width, height).data;
}

/**
 * The floor is half the ceiling: the detector weighs each pixel by its expected signal-to-noise
 * ratio, which is highest in flat areas, so they must carry a fair share of the mark (8/24 gave
 * astronaut and crops too little, 10/24 misses astronaut's 90% crop; 16/24 reads best but costs
 * astronaut's luma SSIM 0.969). At 12/24 astronaut's SSIM is 0.970–0.973 depending on the key,
 * and the SSIM guard takes the rest.
 */
const MASK_FLOOR = 12;
const MASK_CEILING = 24;
