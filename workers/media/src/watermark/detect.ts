import type { RgbaImage } from "../fingerprint/decode";
import { convolutionalEncode, viterbiDecode } from "./convolutional";
import { fft2 } from "./fft";
import { CELLS_PER_SHORT_SIDE, CODED_BITS, TILE, type TileLayout, tileLayout } from "./layout";
import { sampleTile, tileValues } from "./pattern";
import { INFO_BITS, readPayload } from "./payload";
import { gaussianBlur, luma, type Plane, resample } from "./raster";

export interface Detection {
  payloadId: bigint;
  /** Fraction of coded bits whose hard decision disagrees with the decoded codeword. */
  rawBitErrorRate: number;
}

/** Working resolution: the suspect's short side is resampled to this many pixels (3 per cell). */
const WORK_SHORT = CELLS_PER_SHORT_SIDE * 3;
/** Fold bins per cell along each axis; TILE × BINS must be a power of two for the FFT. */
const BINS = 4;
const FOLD = TILE * BINS;
/** High-pass: the residual is luma minus its Gaussian blur at this σ (working pixels). */
const HIGH_PASS_SIGMA = 1.2;
/** Window (σ, working pixels) of the local residual level the residual is divided by. */
const NORMALISE_SIGMA = 4;
/** Residual level below which a region counts as flat (luma units): keeps noise-free areas from dominating. */
const NOISE_FLOOR = 1;
/** Normalised residual values beyond this are clipped, so strong edges do not drown the mark. */
const CLIP = 2;
/** Relative cell sizes searched: 1 is the embedded grid; crops keeping 65% of the short side give 1/0.65. */
const SCALE_MIN = 0.97;
const SCALE_MAX = 1.56;
const SCALE_STEP = 1.004;
/** Hypotheses (scale, shift) tried in order of sync strength before giving up. */
const ATTEMPTS = 8;
/** Exponent of the spectral whitening in the sync correlation (0 plain, 1 phase-only). */
const WHITEN = 0.5;
/**
 * A decoded word whose re-encoding disagrees with more of the raw bits than this is not a mark.
 * Reads of real marks measured at most 0.21; Viterbi on pure noise lands at a median of 0.25, so
 * this gate halves the chance a noise word reaches the checksum (it is not a strong guard alone).
 */
const MAX_RAW_BER = 0.25;

export interface SyncHypothesis {
  cellPx: number;
  shiftX: number;
  shiftY: number;
  /** Correlation peak in standard deviations of the correlation surface. */
  z: number;
}

/**
 * Reads the mark in `image` with the tenant `key`, blind. Returns null when no mark made with this
 * key is found or its checksum fails. On an unmarked image a wrong ID comes out with probability
 * about ATTEMPTS × ½ × 2^-16 ≈ 6·10^-5 per call (a noise word must pass the raw-BER gate and the
 * CRC-16); see README.md for the stronger guard still to add.
 */
export function detectWatermark(image: RgbaImage, key: Uint8Array): Detection | null {
  const layout = tileLayout(key);
  const residual = workingResidual(image);
  const hypotheses = synchronise(residual, layout);
  for (const hypothesis of hypotheses.slice(0, ATTEMPTS)) {
    const found = demodulate(residual, layout, hypothesis);
    if (found) return found;
  }
  return null;
}

/** Luma at working resolution, high-passed and clipped. */
export function workingResidual(image: RgbaImage): Plane {
  const y = luma(image);
  const factor = WORK_SHORT / Math.min(image.width, image.height);
  const work = resample(
    y,
    Math.max(1, Math.round(image.width * factor)),
    Math.max(1, Math.round(image.height * factor)),
  );
  const low = gaussianBlur(work, HIGH_PASS_SIGMA).data;
  const data = work.data;
  for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) - (low[i] ?? 0);
  // Divide by the local residual level: busy areas carry a stronger mark but far more host noise,
  // so each pixel then counts in proportion to its signal-to-noise ratio.
  const energy = gaussianBlur({ ...work, data: data.map((v) => v * v) }, NORMALISE_SIGMA).data;
  for (let i = 0; i < data.length; i++) {
    const v = (data[i] ?? 0) / Math.sqrt((energy[i] ?? 0) + NOISE_FLOOR * NOISE_FLOOR);
    data[i] = Math.max(-CLIP, Math.min(CLIP, v));
  }
  return work;
}

/** The residual folded modulo the tile at cell size `cellPx`: mean per bin, zero-mean. */
function fold(residual: Plane, cellPx: number): Float64Array {
  const { width, height, data } = residual;
  const binX = new Int32Array(width);
  const binY = new Int32Array(height);
  for (let x = 0; x < width; x++) binX[x] = Math.floor((((x + 0.5) / cellPx) % TILE) * BINS) % FOLD;
  for (let y = 0; y < height; y++) binY[y] = Math.floor((((y + 0.5) / cellPx) % TILE) * BINS) % FOLD;
  const sum = new Float64Array(FOLD * FOLD);
  const count = new Float64Array(FOLD * FOLD);
  for (let y = 0; y < height; y++) {
    const row = (binY[y] ?? 0) * FOLD;
    for (let x = 0; x < width; x++) {
      const b = row + (binX[x] ?? 0);
      sum[b] = (sum[b] ?? 0) + (data[y * width + x] ?? 0);
      count[b] = (count[b] ?? 0) + 1;
    }
  }
  let mean = 0;
  for (let b = 0; b < sum.length; b++) {
    const c = count[b] ?? 0;
    sum[b] = c > 0 ? (sum[b] ?? 0) / c : 0;
    mean += sum[b] ?? 0;
  }
  mean /= sum.length;
  for (let b = 0; b < sum.length; b++) sum[b] = (sum[b] ?? 0) - mean;
  return sum;
}

const templates = new WeakMap<TileLayout, { re: Float64Array; im: Float64Array }>();

/** FFT of the pilot pattern sampled at the fold's bin centres. */
function pilotSpectrum(layout: TileLayout): { re: Float64Array; im: Float64Array } {
  const hit = templates.get(layout);
  if (hit) return hit;
  const pilots = tileValues(layout, null);
  const re = new Float64Array(FOLD * FOLD);
  const im = new Float64Array(FOLD * FOLD);
  for (let by = 0; by < FOLD; by++)
    for (let bx = 0; bx < FOLD; bx++)
      re[by * FOLD + bx] = sampleTile(pilots, (bx + 0.5) / BINS, (by + 0.5) / BINS);
  fft2(re, im, FOLD);
  const spectrum = { re, im };
  templates.set(layout, spectrum);
  return spectrum;
}

/** Best cyclic shift of the pilot in the fold at `cellPx`, with its peak strength. */
export function correlate(residual: Plane, layout: TileLayout, cellPx: number): SyncHypothesis {
  const template = pilotSpectrum(layout);
  const re = fold(residual, cellPx);
  const im = new Float64Array(FOLD * FOLD);
  fft2(re, im, FOLD);
  for (let i = 0; i < re.length; i++) {
    // Partial spectral whitening (between plain and phase-only correlation): periodic structure
    // in the picture (stripes, grilles) makes narrow spectral peaks that would otherwise win.
    const w = ((re[i] ?? 0) ** 2 + (im[i] ?? 0) ** 2 + 1e-12) ** (-WHITEN / 2);
    const a = (re[i] ?? 0) * w;
    const b = (im[i] ?? 0) * w;
    const c = template.re[i] ?? 0;
    const d = -(template.im[i] ?? 0);
    re[i] = a * c - b * d;
    im[i] = a * d + b * c;
  }
  fft2(re, im, FOLD, true);
  let best = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < re.length; i++) {
    const v = re[i] ?? 0;
    sum += v;
    sq += v * v;
    if (v > (re[best] ?? 0)) best = i;
  }
  const mean = sum / re.length;
  const sd = Math.sqrt(Math.max(1e-30, sq / re.length - mean * mean));
  return { cellPx, shiftX: best % FOLD, shiftY: Math.floor(best / FOLD), z: ((re[best] ?? 0) - mean) / sd };
}

/** Scale and shift hypotheses, strongest first (one per local maximum over scale). */
export function synchronise(residual: Plane, layout: TileLayout): SyncHypothesis[] {
  const base = WORK_SHORT / CELLS_PER_SHORT_SIDE;
  const results: SyncHypothesis[] = [];
  const scales: number[] = [];
  for (let s = 1; s >= SCALE_MIN; s /= SCALE_STEP) scales.unshift(s);
  for (let s = SCALE_STEP; s <= SCALE_MAX; s *= SCALE_STEP) scales.push(s);
  for (const s of scales) results.push(correlate(residual, layout, base * s));
  const peaks = results.filter(
    (h, i) => h.z >= (results[i - 1]?.z ?? -Infinity) && h.z >= (results[i + 1]?.z ?? -Infinity),
  );
  return peaks.sort((a, b) => b.z - a.z);
}

const CELL_WEIGHTS = [0.625, 0.875, 0.875, 0.625];

/** Matched-filter response of every tile cell (row-major) under one hypothesis. */
export function cellResponses(residual: Plane, h: SyncHypothesis): Float64Array {
  const folded = fold(residual, h.cellPx);
  const out = new Float64Array(TILE * TILE);
  for (let j = 0; j < TILE; j++)
    for (let i = 0; i < TILE; i++) {
      let value = 0;
      for (let l = 0; l < BINS; l++) {
        const by = (j * BINS + l + h.shiftY) % FOLD;
        for (let k = 0; k < BINS; k++) {
          const bx = (i * BINS + k + h.shiftX) % FOLD;
          value += (CELL_WEIGHTS[l] ?? 0) * (CELL_WEIGHTS[k] ?? 0) * (folded[by * FOLD + bx] ?? 0);
        }
      }
      out[j * TILE + i] = value;
    }
  return out;
}

/** The hypothesis an unattacked image marked at its own size satisfies (cell = 3 working pixels). */
export function nativeHypothesis(residual: Plane, layout: TileLayout): SyncHypothesis {
  return correlate(residual, layout, WORK_SHORT / CELLS_PER_SHORT_SIDE);
}

/** Soft coded bits under one hypothesis, Viterbi, checksum. */
function demodulate(residual: Plane, layout: TileLayout, h: SyncHypothesis): Detection | null {
  const cells = cellResponses(residual, h);
  const soft = new Float64Array(CODED_BITS);
  for (let c = 0; c < cells.length; c++) {
    const bit = layout.bitOf[c] ?? -1;
    if (bit >= 0) soft[bit] = (soft[bit] ?? 0) + (layout.chip[c] ?? 0) * (cells[c] ?? 0);
  }
  let sq = 0;
  for (const v of soft) sq += v * v;
  const rms = Math.sqrt(sq / soft.length) || 1;
  for (let i = 0; i < soft.length; i++) soft[i] = (soft[i] ?? 0) / rms;
  const bits = viterbiDecode(soft, INFO_BITS);
  const codeword = convolutionalEncode(bits);
  let errors = 0;
  for (let i = 0; i < CODED_BITS; i++) if ((soft[i] ?? 0) > 0 !== (codeword[i] === 1)) errors++;
  const rawBitErrorRate = errors / CODED_BITS;
  if (rawBitErrorRate > MAX_RAW_BER) return null;
  const payloadId = readPayload(bits, layout.crcMask);
  return payloadId === null ? null : { payloadId, rawBitErrorRate };
}
