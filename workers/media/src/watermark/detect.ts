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
  /** Height of the sync correlation peak the mark was read under, in σ of the correlation surface. */
  syncStrength: number;
  /**
   * Where the grid was found: cell size per axis relative to the embedded grid (both 1 for an
   * uncropped copy at any size; > 1 after a crop; unequal after an aspect change), the rotation in
   * degrees, and whether the copy is a horizontal mirror image.
   */
  geometry: { scaleX: number; scaleY: number; rotationDeg: number; mirrored: boolean };
}

/** Working resolution: the suspect's short side is resampled to this many pixels (3 per cell). */
const WORK_SHORT = CELLS_PER_SHORT_SIDE * 3;
/** Fold bins per cell along each axis; TILE × BINS must be a power of two for the FFT. */
const BINS = 4;
const FOLD = TILE * BINS;
const FOLD_MASK = FOLD - 1;
/** High-pass: the residual is luma minus its Gaussian blur at this σ (working pixels). */
const HIGH_PASS_SIGMA = 1.2;
/** Window (σ, working pixels) of the local residual level the residual is divided by. */
const NORMALISE_SIGMA = 4;
/** Residual level below which a region counts as flat (luma units): keeps noise-free areas from dominating. */
const NOISE_FLOOR = 1;
/**
 * Normalised residual values beyond this are clipped, so strong edges do not drown the mark. The
 * unit is 1/luma (see `workingResidual`): 0.7 clips residuals above 0.7 in flat areas and never in
 * textured ones, where the division has already made them small.
 */
const CLIP = 0.7;
/** Relative cell sizes searched: 1 is the embedded grid; crops keeping 65% of the short side give 1/0.65. */
const SCALE_MIN = 0.97;
const SCALE_MAX = 1.56;
const SCALE_STEP = 1.004;
/**
 * Second stage, searched only when the strongest axis-aligned hypothesis carries no valid word:
 * one axis at the embedded cell size and the other stretched by a ratio in this range (an aspect
 * change without a crop keeps the short side's cells at 1), rotations at the embedded size, and
 * horizontal mirror images.
 */
const ASPECT_MIN = 0.88;
const ASPECT_MAX = 1.14;
const ASPECT_STEP = 1.006;
/** Rotations searched: ±0.2°, ±0.6°, … ±3.0°. */
const ROTATION_MAX_DEG = 3;
const ROTATION_STEP_DEG = 0.4;
/** Mirrored copies are searched only about the embedded cell size (a flip, not a flip and crop). */
const MIRROR_SCALE = 1.01;
/**
 * Tag checks per call, over both stages: the strongest axis-aligned hypothesis first, then the
 * strongest remaining ones of both stages together. Each check is one 2^-32 chance of a wrong ID,
 * so this bounds the false-accept chance per call at ATTEMPTS × 2^-32 ≈ 9.3·10^-10 (README.md),
 * however many hypotheses the search scores.
 */
const ATTEMPTS = 4;
/**
 * A decoded word whose re-encoding disagrees with more of the raw bits than this is not a mark
 * (the convolutional code does not correct that many). A plausibility check that saves a tag
 * computation; the false-accept argument does not count on it, since Viterbi on pure noise lands
 * at a raw BER of about 0.25 (0.19–0.30).
 */
const MAX_RAW_BER = 0.3;

/**
 * Where the tile sits in the working image: the working pixel centre (x, y) lies at tile cell
 * coordinates u = (x cos θ + y sin θ) / cellX, v = (y cos θ − x sin θ) / cellY, before the cyclic
 * shift the correlation finds.
 */
export interface Grid {
  cellX: number;
  cellY: number;
  /** θ in radians. */
  angle: number;
}

export interface SyncHypothesis extends Grid {
  shiftX: number;
  shiftY: number;
  /** Correlation peak in standard deviations of the correlation surface. */
  z: number;
  /** Grids between this one and its neighbours in the search, compared by coherence in `refine`. */
  nearby?: Grid[];
}

/**
 * Reads the mark in `image` with the tenant `key`, blind. Returns null when no mark made with this
 * key is found or no decoded word carries a valid tag. A wrong ID (from an unmarked image, another
 * tenant's mark, or a mis-corrected read) needs a 32-bit HMAC tag to match by chance: at most
 * ATTEMPTS × 2^-32 ≈ 9.3·10^-10 per call.
 */
export function detectWatermark(image: RgbaImage, key: Uint8Array): Detection | null {
  const layout = tileLayout(key);
  const residual = workingResidual(image);
  const aligned = synchronise(residual, layout);
  const first = aligned[0];
  if (!first) return null;
  const found = demodulate(residual, layout, first);
  if (found) return found;
  // Not an axis-aligned copy (or a weak one): widen the search to aspect changes and rotations,
  // and spend the remaining checks on the strongest hypotheses of both stages.
  const rest = [...aligned.slice(1), ...distortedHypotheses(residual, layout)].sort((a, b) => b.z - a.z);
  for (const hypothesis of rest.slice(0, ATTEMPTS - 1)) {
    const read = demodulate(residual, layout, hypothesis);
    if (read) return read;
  }
  return null;
}

/** The detector's view of the picture: luma at working resolution, high-passed, normalised, clipped. */
export function workingResidual(image: RgbaImage): Plane {
  const y = luma(image);
  const factor = WORK_SHORT / Math.min(y.width, y.height);
  const work = resample(
    y,
    Math.max(1, Math.round(y.width * factor)),
    Math.max(1, Math.round(y.height * factor)),
  );
  const low = gaussianBlur(work, HIGH_PASS_SIGMA).data;
  const data = work.data;
  for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) - (low[i] ?? 0);
  // Divide by the local residual energy (not its square root): the picture's own texture is the
  // noise, so a pixel's residual has noise ∝ σ and mark ∝ mask, and the matched-filter weight
  // mask / σ² is close to 1 / σ² because the mask varies far less than σ. Flat areas, where the
  // mark stands out, then count most; busy ones, where the picture drowns it, count little.
  const energy = gaussianBlur({ ...work, data: data.map((v) => v * v) }, NORMALISE_SIGMA).data;
  for (let i = 0; i < data.length; i++) {
    const v = (data[i] ?? 0) / ((energy[i] ?? 0) + NOISE_FLOOR * NOISE_FLOOR);
    data[i] = Math.max(-CLIP, Math.min(CLIP, v));
  }
  return work;
}

/** The residual folded modulo the tile under `grid`: mean per bin, zero-mean. */
function fold(residual: Plane, grid: Grid): Float64Array {
  const { width, height, data } = residual;
  const sum = new Float64Array(FOLD * FOLD);
  const count = new Float64Array(FOLD * FOLD);
  if (grid.angle === 0) {
    const binX = new Int32Array(width);
    const binY = new Int32Array(height);
    for (let x = 0; x < width; x++) binX[x] = Math.floor(((x + 0.5) / grid.cellX) * BINS) & FOLD_MASK;
    for (let y = 0; y < height; y++)
      binY[y] = (Math.floor(((y + 0.5) / grid.cellY) * BINS) & FOLD_MASK) * FOLD;
    for (let y = 0, i = 0; y < height; y++) {
      const row = binY[y] as number;
      for (let x = 0; x < width; x++, i++) {
        const b = row + (binX[x] as number);
        sum[b] = (sum[b] as number) + (data[i] as number);
        count[b] = (count[b] as number) + 1;
      }
    }
  } else {
    // Bins per working pixel along x and y, for u and v.
    const cos = Math.cos(grid.angle);
    const sin = Math.sin(grid.angle);
    const ux = (cos / grid.cellX) * BINS;
    const uy = (sin / grid.cellX) * BINS;
    const vx = (-sin / grid.cellY) * BINS;
    const vy = (cos / grid.cellY) * BINS;
    for (let y = 0, i = 0; y < height; y++) {
      let u = 0.5 * ux + (y + 0.5) * uy;
      let v = 0.5 * vx + (y + 0.5) * vy;
      for (let x = 0; x < width; x++, i++, u += ux, v += vx) {
        const b = (Math.floor(v) & FOLD_MASK) * FOLD + (Math.floor(u) & FOLD_MASK);
        sum[b] = (sum[b] as number) + (data[i] as number);
        count[b] = (count[b] as number) + 1;
      }
    }
  }
  let mean = 0;
  for (let b = 0; b < sum.length; b++) {
    const c = count[b] as number;
    sum[b] = c > 0 ? (sum[b] as number) / c : 0;
    mean += sum[b] as number;
  }
  mean /= sum.length;
  for (let b = 0; b < sum.length; b++) sum[b] = (sum[b] as number) - mean;
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

/**
 * The best cyclic shift of the pilot in the fold under each grid, with its peak height in standard
 * deviations of the correlation surface (cross-correlation over every shift by FFT). The folds are
 * real, so two grids share one complex transform each way: the second fold rides in the imaginary
 * part, and the two spectra separate by Hermitian symmetry.
 */
export function correlate(residual: Plane, layout: TileLayout, grids: Grid[]): SyncHypothesis[] {
  const template = pilotSpectrum(layout);
  const n = FOLD * FOLD;
  const out: SyncHypothesis[] = [];
  for (let g = 0; g < grids.length; g += 2) {
    const first = grids[g] as Grid;
    const second = grids[g + 1];
    const re = fold(residual, first);
    const im = second ? fold(residual, second) : new Float64Array(n);
    fft2(re, im, FOLD);
    const qr = new Float64Array(n);
    const qi = new Float64Array(n);
    for (let ky = 0; ky < FOLD; ky++) {
      const my = ((FOLD - ky) & FOLD_MASK) * FOLD;
      for (let kx = 0; kx < FOLD; kx++) {
        const k = ky * FOLD + kx;
        const m = my + ((FOLD - kx) & FOLD_MASK);
        const zr = re[k] as number;
        const zi = im[k] as number;
        const mr = re[m] as number;
        const mi = im[m] as number;
        const tr = template.re[k] as number;
        const ti = -(template.im[k] as number);
        const [p1r, p1i] = whitenedProduct((zr + mr) / 2, (zi - mi) / 2, tr, ti);
        const [p2r, p2i] = whitenedProduct((zi + mi) / 2, (mr - zr) / 2, tr, ti);
        // Both products are Hermitian, so their inverse transforms are real: pack them again.
        qr[k] = p1r - p2i;
        qi[k] = p1i + p2r;
      }
    }
    fft2(qr, qi, FOLD, true);
    out.push(peakOf(qr, first));
    if (second) out.push(peakOf(qi, second));
  }
  return out;
}

/**
 * Partial spectral whitening, |F|^-0.5 (halfway between plain correlation, exponent 0, and
 * phase-only correlation, 1), times the conjugate template: periodic structure in the picture
 * (stripes, grilles) makes narrow spectral peaks that would otherwise win.
 */
function whitenedProduct(a: number, b: number, c: number, d: number): [number, number] {
  const w = 1 / Math.sqrt(Math.sqrt(a * a + b * b + 1e-12));
  return [(a * c - b * d) * w, (a * d + b * c) * w];
}

/** The highest point of a correlation surface (row-major FOLD × FOLD) in σ of the surface. */
function peakOf(surface: Float64Array, grid: Grid): SyncHypothesis {
  let sum = 0;
  let sq = 0;
  let best = 0;
  for (let i = 0; i < surface.length; i++) {
    const v = surface[i] as number;
    sum += v;
    sq += v * v;
    if (v > (surface[best] as number)) best = i;
  }
  const mean = sum / surface.length;
  const sd = Math.sqrt(Math.max(1e-30, sq / surface.length - mean * mean));
  return {
    ...grid,
    shiftX: best % FOLD,
    shiftY: Math.floor(best / FOLD),
    z: ((surface[best] as number) - mean) / sd,
  };
}

/** The local maxima of z along a line of hypotheses (neighbouring grids in the search order). */
function localMaxima(line: SyncHypothesis[]): SyncHypothesis[] {
  return line.filter((h, i) => h.z >= (line[i - 1]?.z ?? -Infinity) && h.z >= (line[i + 1]?.z ?? -Infinity));
}

/** Geometric steps from `min` to `max` through exactly 1. */
function steps(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let s = 1; s >= min; s /= step) out.unshift(s);
  for (let s = step; s <= max; s *= step) out.push(s);
  return out;
}

/** Axis-aligned scale and shift hypotheses, strongest first (one per local maximum over scale). */
export function synchronise(residual: Plane, layout: TileLayout): SyncHypothesis[] {
  const base = WORK_SHORT / CELLS_PER_SHORT_SIDE;
  const grids = steps(SCALE_MIN, SCALE_MAX, SCALE_STEP).map((s) => ({
    cellX: base * s,
    cellY: base * s,
    angle: 0,
  }));
  return localMaxima(correlate(residual, layout, grids)).sort((a, b) => b.z - a.z);
}

/**
 * Hypotheses off the axis-aligned, equal-scale family: one axis stretched against the other (an
 * aspect change), small rotations, and a horizontal mirror. One per local maximum along each
 * line; the undistorted grid, which `synchronise` covers, is left out.
 */
export function distortedHypotheses(residual: Plane, layout: TileLayout): SyncHypothesis[] {
  const base = WORK_SHORT / CELLS_PER_SHORT_SIDE;
  // Each line: its grids, and the grids a quarter and half a step to either side of one of them.
  const stretch = (r: number, axis: "x" | "y"): Grid =>
    axis === "x" ? { cellX: base * r, cellY: base, angle: 0 } : { cellX: base, cellY: base * r, angle: 0 };
  const ratios = steps(ASPECT_MIN, ASPECT_MAX, ASPECT_STEP);
  const between = [-0.5, -0.25, 0.25, 0.5];
  const lines: { grids: Grid[]; nearby: (g: Grid) => Grid[] }[] = [
    {
      grids: ratios.map((r) => stretch(r, "x")),
      nearby: (g) => between.map((f) => stretch((g.cellX / base) * ASPECT_STEP ** f, "x")),
    },
    {
      grids: ratios.map((r) => stretch(r, "y")),
      nearby: (g) => between.map((f) => stretch((g.cellY / base) * ASPECT_STEP ** f, "y")),
    },
  ];
  // ±½ step, ±1½ steps, … up to ROTATION_MAX_DEG: 0 itself is the axis-aligned search.
  const angles: number[] = [];
  const half = Math.round(ROTATION_MAX_DEG / ROTATION_STEP_DEG - 0.5);
  for (let k = -half - 1; k <= half; k++) angles.push((k + 0.5) * ROTATION_STEP_DEG);
  const rotationStep = (ROTATION_STEP_DEG * Math.PI) / 180;
  lines.push({
    grids: angles.map((d) => ({ cellX: base, cellY: base, angle: (d * Math.PI) / 180 })),
    nearby: (g) => between.map((f) => ({ ...g, angle: g.angle + f * rotationStep })),
  });
  // A mirrored copy (horizontal flip): u runs the other way, which a negative cell width says.
  lines.push({
    grids: steps(1 / MIRROR_SCALE, MIRROR_SCALE, SCALE_STEP).map((s) => ({
      cellX: -base * s,
      cellY: base * s,
      angle: 0,
    })),
    nearby: () => [],
  });
  const out: SyncHypothesis[] = [];
  for (const line of lines)
    for (const h of localMaxima(correlate(residual, layout, line.grids)))
      if (h.cellX !== base || h.cellY !== base || Math.abs(h.angle) > 1e-9) {
        const grid = { cellX: h.cellX, cellY: h.cellY, angle: h.angle };
        out.push({ ...h, nearby: line.nearby(grid) });
      }
  return out;
}

const CELL_WEIGHTS = [0.625, 0.875, 0.875, 0.625];

/** Matched-filter response of every tile cell (row-major) under one hypothesis. */
export function cellResponses(residual: Plane, h: SyncHypothesis): Float64Array {
  return responsesOfFold(fold(residual, h), h.shiftX, h.shiftY);
}

function responsesOfFold(folded: Float64Array, shiftX: number, shiftY: number): Float64Array {
  const out = new Float64Array(TILE * TILE);
  for (let j = 0; j < TILE; j++)
    for (let i = 0; i < TILE; i++) {
      let value = 0;
      for (let l = 0; l < BINS; l++) {
        const by = (j * BINS + l + shiftY) % FOLD;
        for (let k = 0; k < BINS; k++) {
          const bx = (i * BINS + k + shiftX) % FOLD;
          value += (CELL_WEIGHTS[l] ?? 0) * (CELL_WEIGHTS[k] ?? 0) * (folded[by * FOLD + bx] ?? 0);
        }
      }
      out[j * TILE + i] = value;
    }
  return out;
}

/** Soft coded bits (chip-despread sums of their cells), normalised to unit RMS, and their energy share. */
function softBits(cells: Float64Array, layout: TileLayout): { soft: Float64Array; coherence: number } {
  const soft = new Float64Array(CODED_BITS);
  let cellEnergy = 0;
  for (let c = 0; c < cells.length; c++) {
    const bit = layout.bitOf[c] ?? -1;
    if (bit < 0) continue;
    soft[bit] = (soft[bit] ?? 0) + (layout.chip[c] ?? 0) * (cells[c] ?? 0);
    cellEnergy += (cells[c] ?? 0) ** 2;
  }
  let sq = 0;
  for (const v of soft) sq += v * v;
  const rms = Math.sqrt(sq / soft.length) || 1;
  for (let i = 0; i < soft.length; i++) soft[i] = (soft[i] ?? 0) / rms;
  // Cells of one bit add coherently only under the right alignment: the share of the cell energy
  // that survives despreading is ~1 for noise and up to ~cells-per-bit for a clean mark.
  return { soft, coherence: sq / (cellEnergy || 1) };
}

/**
 * The sync peak can sit a fold bin (a quarter cell) off the alignment the data cells read best
 * at (the pilot and data cells see the host differently), and a second-stage hypothesis up to half
 * a search step off its true grid. Of the peak and its eight neighbouring shifts, under the
 * hypothesis' grid and each of its `nearby` grids (re-correlated for their own shift), keep the
 * alignment whose data cells despread most coherently. Choosing by coherence, not by trying each
 * against the tag, keeps one tag check per hypothesis.
 */
function refine(
  residual: Plane,
  layout: TileLayout,
  h: SyncHypothesis,
): { soft: Float64Array; coherence: number; grid: Grid } {
  let best: { soft: Float64Array; coherence: number; grid: Grid } | null = null;
  for (const candidate of [h, ...correlate(residual, layout, h.nearby ?? [])]) {
    const folded = fold(residual, candidate);
    for (const dy of [0, 1, FOLD - 1])
      for (const dx of [0, 1, FOLD - 1]) {
        const cells = responsesOfFold(
          folded,
          (candidate.shiftX + dx) & FOLD_MASK,
          (candidate.shiftY + dy) & FOLD_MASK,
        );
        const read = softBits(cells, layout);
        if (!best || read.coherence > best.coherence) best = { ...read, grid: candidate };
      }
  }
  return best as { soft: Float64Array; coherence: number; grid: Grid };
}

/** Soft coded bits under one hypothesis, Viterbi, checksum. */
function demodulate(residual: Plane, layout: TileLayout, h: SyncHypothesis): Detection | null {
  const { soft, grid } = refine(residual, layout, h);
  const bits = viterbiDecode(soft, INFO_BITS);
  const codeword = convolutionalEncode(bits);
  let errors = 0;
  for (let i = 0; i < CODED_BITS; i++) if ((soft[i] ?? 0) > 0 !== (codeword[i] === 1)) errors++;
  const rawBitErrorRate = errors / CODED_BITS;
  if (rawBitErrorRate > MAX_RAW_BER) return null;
  const payloadId = readPayload(bits, layout.tagKey);
  if (payloadId === null) return null;
  const base = WORK_SHORT / CELLS_PER_SHORT_SIDE;
  const geometry = {
    scaleX: Math.abs(grid.cellX) / base,
    scaleY: grid.cellY / base,
    rotationDeg: (grid.angle * 180) / Math.PI,
    mirrored: grid.cellX < 0,
  };
  return { payloadId, rawBitErrorRate, syncStrength: h.z, geometry };
}
