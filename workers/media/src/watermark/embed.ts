import type { RgbaImage } from "../fingerprint/decode";
import { convolutionalEncode } from "./convolutional";
import { cellResponses, nativeHypothesis, workingResidual } from "./detect";
import { CELLS_PER_SHORT_SIDE, tileLayout } from "./layout";
import { sampleTile, tileValues } from "./pattern";
import { payloadBits } from "./payload";
import { gaussianBlur, luma } from "./raster";

export interface EmbedOptions {
  /** Target PSNR (RGB, peak 255) of the marked image against the original; default 40 dB. */
  psnrDb?: number;
  /** Rounds of informed embedding (read back, re-weight cells); default 4, 0 turns it off. */
  feedbackRounds?: number;
}

export const DEFAULT_PSNR_DB = 40;

/**
 * Adds the key's tile pattern, carrying `payloadId`, to the luma of `image` (the same offset on R,
 * G and B, so 4:2:0 chroma subsampling cannot remove it). The amplitude follows local texture
 * (stronger where the picture is busy, weaker on flat areas) and is scaled so the whole image meets
 * the target PSNR. Alpha is copied unchanged.
 */
export function embedWatermark(
  image: RgbaImage,
  key: Uint8Array,
  payloadId: bigint,
  options: EmbedOptions = {},
): RgbaImage {
  const { width, height } = image;
  const layout = tileLayout(key);
  const values = tileValues(layout, convolutionalEncode(payloadBits(payloadId, layout.crcMask)));
  const cellPx = Math.min(width, height) / CELLS_PER_SHORT_SIDE;
  const mask = activityMask(image, cellPx);

  const targetRms = 255 / 10 ** ((options.psnrDb ?? DEFAULT_PSNR_DB) / 20);
  const pattern = new Float32Array(width * height);
  const gains = new Float32Array(values.length).fill(1);
  const cellValues = new Float32Array(values.length);
  let marked = image;
  for (let round = 0; round <= (options.feedbackRounds ?? FEEDBACK_ROUNDS); round++) {
    for (let c = 0; c < values.length; c++) cellValues[c] = (values[c] ?? 0) * (gains[c] ?? 0);
    marked = addPattern(image, cellValues, mask, cellPx, targetRms, pattern);
    if (round === (options.feedbackRounds ?? FEEDBACK_ROUNDS)) break;
    // Informed embedding: read the cells back the way the detector will and give more amplitude to
    // the cells the host picture works against (and less to those it already helps), so the
    // host's own texture stops being the dominant noise.
    const residual = workingResidual(marked);
    const responses = cellResponses(residual, nativeHypothesis(residual, layout));
    let sq = 0;
    for (const r of responses) sq += r * r;
    const rms = Math.sqrt(sq / responses.length) || 1;
    for (let c = 0; c < values.length; c++) {
      const margin = ((values[c] ?? 0) * (responses[c] ?? 0)) / rms;
      const g = (gains[c] ?? 1) + FEEDBACK_STEP * (TARGET_MARGIN - margin);
      gains[c] = Math.max(MIN_GAIN, Math.min(MAX_GAIN, g));
    }
  }
  return marked;
}

const FEEDBACK_ROUNDS = 4;
const FEEDBACK_STEP = 0.5;
const TARGET_MARGIN = 1.2;
const MIN_GAIN = 0.25;
const MAX_GAIN = 4;

/** The image plus the mask-weighted tile pattern, scaled to `targetRms`, rounded and clipped to 8 bits. */
function addPattern(
  image: RgbaImage,
  values: Float32Array,
  mask: Float32Array,
  cellPx: number,
  targetRms: number,
  delta: Float32Array,
): RgbaImage {
  const { width, height } = image;
  let energy = 0;
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / cellPx;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const d = (mask[i] ?? 0) * sampleTile(values, (x + 0.5) / cellPx, v);
      delta[i] = d;
      energy += d * d;
    }
  }
  const gain = energy > 0 ? targetRms / Math.sqrt(energy / (width * height)) : 0;
  const out = new Uint8ClampedArray(image.data);
  for (let i = 0, p = 0; i < delta.length; i++, p += 4) {
    const d = (delta[i] ?? 0) * gain;
    out[p] = Math.round((out[p] ?? 0) + d);
    out[p + 1] = Math.round((out[p + 1] ?? 0) + d);
    out[p + 2] = Math.round((out[p + 2] ?? 0) + d);
  }
  return { width, height, data: out };
}

/**
 * Relative embedding strength per pixel: the local luma standard deviation over about a cell,
 * with a floor so flat areas (sky, studio backdrops) still carry some mark, and a ceiling so edges
 * do not take all of the budget.
 */
function activityMask(image: RgbaImage, cellPx: number): Float32Array {
  const y = luma(image);
  const sigma = Math.max(1, cellPx / 2);
  const mean = gaussianBlur(y, sigma).data;
  const sq = { ...y, data: y.data.map((v) => v * v) };
  const meanSq = gaussianBlur(sq, sigma).data;
  const mask = new Float32Array(y.data.length);
  for (let i = 0; i < mask.length; i++) {
    const sd = Math.sqrt(Math.max(0, (meanSq[i] ?? 0) - (mean[i] ?? 0) ** 2));
    mask[i] = Math.min(MASK_CEILING, MASK_FLOOR + sd);
  }
  return mask;
}

const MASK_FLOOR = 8;
const MASK_CEILING = 24;
