import type { RgbaImage } from "./decode";

/**
 * PDQ's downsampling (see pdq.ts): luma, two passes of a Jarosz box filter per axis, and the
 * 64 × 64 samples at the block centres, bit for bit as the reference computes them, but only
 * where the samples read.
 *
 * A sample reads a second-pass box, which reads first-pass boxes, which read luma. Each axis gets
 * a plan (`samplingPlan`) of exactly those positions, so an image of ≤ 128 px per side reads
 * nothing but its sampled pixels, and a 512 px side about 7 of every 8 pixels of half its rows.
 *
 * Box sums are exact in doubles, in any order: the inputs are floats in [0, 256) whose nonzero
 * values stay above 2⁻¹² (luma is at least 0.114 when not 0, and each pass averages at most 4
 * values), so they are multiples of 2⁻³⁵ below 2¹⁰, which 53 bits hold. Each mean is therefore
 * the reference's: the exact sum divided by the count, rounded to a double, then to a float. For
 * counts 1, 2 and 4 the division is a multiplication by the inverse, which gives the same double.
 */

export const DOWNSAMPLED = 64;
/** Images over this on either side are first resized to it on both, by nearest neighbour. */
export const PDQ_REFERENCE_SIDE = 512;

const f32 = Math.fround;
const LUMA_R = f32(0.299);
const LUMA_G = f32(0.587);
const LUMA_B = f32(0.114);

/** What one axis of an image needs computed (positions are along the axis after the resize). */
export interface SamplingPlan {
  /** Length after the reference's resize. */
  length: number;
  /** The box filter's window along this axis (1–4). */
  window: number;
  /** Per position, its source pixel (row or column) in the decoded image. */
  source: Int32Array;
  /** Per sample k (0–63), which distinct sample it is: below 64 px samples repeat. */
  sampleOf: Int32Array;
  /** The distinct sample positions, their source pixels, and how many of the 64 samples each is. */
  samples: Int32Array;
  sampleSource: Int32Array;
  repeats: Int32Array;
  /** Per distinct sample: its second-pass box as a range of `needed` indices, inclusive, and its scale. */
  sampleFrom: Int32Array;
  sampleTo: Int32Array;
  sampleScale: Float64Array;
  /** Per distinct sample: the first and last position under it, as `read` indices. */
  sampleReadFrom: Int32Array;
  sampleReadTo: Int32Array;
  /** The positions whose first-pass output the samples' boxes read, ascending. */
  needed: Int32Array;
  /** Per needed position: its first-pass box as a range of `read` indices, inclusive, and its scale. */
  neededFrom: Int32Array;
  neededTo: Int32Array;
  neededScale: Float64Array;
  /** The positions whose luma the needed boxes read, ascending. */
  read: Int32Array;
  /**
   * The distinct samples whose boxes are all full windows inside the line, first and last (an
   * empty range past the end when none is): the passes take them with the window unrolled.
   */
  interiorFrom: number;
  interiorTo: number;
}

const jaroszWindow = (length: number) => Math.trunc((length + 2 * DOWNSAMPLED - 1) / (2 * DOWNSAMPLED));

/**
 * A box-filter pass makes output `o` of a line the mean of these positions: the window starts at
 * half its size, grows, slides and shrinks at the end, with no padding.
 */
function boxOf(o: number, length: number, window: number): [number, number] {
  const half = Math.trunc((window + 2) / 2);
  return [Math.max(0, o - (window - half)), Math.min(length - 1, o + half - 1)];
}

/** Sorted distinct positions covered by the boxes of `outputs`, and each output's box as an index range into them. */
function boxes(outputs: ArrayLike<number>, length: number, window: number) {
  const covered = new Uint8Array(length);
  for (let i = 0; i < outputs.length; i++) {
    const [from, to] = boxOf(outputs[i] as number, length, window);
    covered.fill(1, from, to + 1);
  }
  const indexOf = new Int32Array(length);
  const positions: number[] = [];
  for (let p = 0; p < length; p++) {
    if (!covered[p]) continue;
    indexOf[p] = positions.length;
    positions.push(p);
  }
  const from = new Int32Array(outputs.length);
  const to = new Int32Array(outputs.length);
  for (let i = 0; i < outputs.length; i++) {
    const [first, last] = boxOf(outputs[i] as number, length, window);
    // A box is an interval of positions, all covered, so it is an interval of indices too.
    from[i] = indexOf[first] as number;
    to[i] = indexOf[last] as number;
  }
  return { positions: Int32Array.from(positions), from, to };
}

/** How each box's mean is taken from its sum: times 1/count, or (0) divided by a count of 3. */
function scales(from: Int32Array, to: Int32Array): Float64Array {
  return Float64Array.from(from, (first, i) => {
    const count = (to[i] as number) - first + 1;
    return count === 3 ? 0 : 1 / count;
  });
}

/** The plan of an axis of `sourceLength` pixels, `length` after the resize. */
export function samplingPlan(sourceLength: number, length: number): SamplingPlan {
  const window = jaroszWindow(length);
  const distinct: number[] = [];
  const repeats: number[] = [];
  const sampleOf = new Int32Array(DOWNSAMPLED);
  for (let k = 0; k < DOWNSAMPLED; k++) {
    const position = Math.trunc(((k + 0.5) * length) / DOWNSAMPLED);
    if (distinct[distinct.length - 1] !== position) {
      distinct.push(position);
      repeats.push(0);
    }
    sampleOf[k] = distinct.length - 1;
    repeats[repeats.length - 1] = (repeats[repeats.length - 1] as number) + 1;
  }
  const second = boxes(distinct, length, window);
  const first = boxes(second.positions, length, window);
  const source = Int32Array.from({ length }, (_, p) =>
    length === sourceLength ? p : Math.floor((p * sourceLength) / length),
  );
  const half = Math.trunc((window + 2) / 2);
  const inside = (s: number) => s - 2 * (window - half) >= 0 && s + 2 * (half - 1) <= length - 1;
  const interiorFrom = distinct.findIndex(inside);
  return {
    length,
    window,
    source,
    sampleOf,
    samples: Int32Array.from(distinct),
    sampleSource: Int32Array.from(distinct, (p) => source[p] as number),
    repeats: Int32Array.from(repeats),
    sampleFrom: second.from,
    sampleTo: second.to,
    sampleScale: scales(second.from, second.to),
    sampleReadFrom: Int32Array.from(second.from, (t) => first.from[t] as number),
    sampleReadTo: Int32Array.from(second.to, (t) => first.to[t] as number),
    needed: second.positions,
    neededFrom: first.from,
    neededTo: first.to,
    neededScale: scales(first.from, first.to),
    read: first.positions,
    interiorFrom: interiorFrom < 0 ? distinct.length : interiorFrom,
    interiorTo: interiorFrom < 0 ? distinct.length - 1 : distinct.findLastIndex(inside),
  };
}

/** The luma of the pixel at byte offset `p`, rounded to a float. */
const lumaOf = (data: Uint8ClampedArray, p: number) =>
  f32(LUMA_R * (data[p] as number) + LUMA_G * (data[p + 1] as number) + LUMA_B * (data[p + 2] as number));

/** Luma of the source row starting at pixel `rowStart`, at source columns `columns`, into `out` from `at`. */
function lumaAt(
  data: Uint8ClampedArray,
  rowStart: number,
  columns: Int32Array,
  out: Float32Array,
  at: number,
) {
  for (let x = 0; x < columns.length; x++)
    out[at + x] = lumaOf(data, (rowStart + (columns[x] as number)) * 4);
}

/** Lines of first-pass output kept while sweeping down the image: the 2w − 1 ≤ 7 under a sample row. */
const RING = 8;
/** Scratch lines, grown to the widest image seen (hashing is synchronous, so calls never share them). */
let firstPass = new Float32Array(0);
let columnPass = new Float32Array(0);
let secondPass = new Float32Array(0);
const grow = (buffer: Float32Array<ArrayBuffer>, size: number) =>
  buffer.length >= size ? buffer : new Float32Array(size);

/**
 * The downsampled image at its distinct samples (m × n, row-major, into `out`). Rows are swept
 * once, top to bottom: each row read gets its luma and first row pass (at the needed columns, or
 * at the sampled ones where that pass is the identity) into a ring of the last 8; once the last
 * row under a sample row is in, the other three passes are taken there. Stores into Float32Arrays
 * round every mean to a float, as the reference's buffers do.
 */
export function downsample(image: RgbaImage, rows: SamplingPlan, cols: SamplingPlan, out: Float32Array) {
  const { data, width } = image;
  const m = rows.samples.length;
  const n = cols.samples.length;
  if (rows.window === 1 && cols.window === 1) {
    // Every pass is the identity: the samples are the pixels' luma.
    for (let q = 0; q < m; q++)
      lumaAt(data, (rows.sampleSource[q] as number) * width, cols.sampleSource, out, q * n);
    return;
  }
  const wide = cols.window > 1;
  const lineWidth = wide ? cols.needed.length : n;
  firstPass = grow(firstPass, RING * lineWidth);
  columnPass = grow(columnPass, 4 * lineWidth);
  secondPass = grow(secondPass, 4 * n);
  let q = 0;
  for (let y = 0; y < rows.read.length; y++) {
    const rowStart = (rows.source[rows.read[y] as number] as number) * width;
    const line = (y % RING) * lineWidth;
    if (wide) firstRowPass(data, rowStart, cols, firstPass, line);
    else lumaAt(data, rowStart, cols.sampleSource, firstPass, line);
    for (; q < m && rows.sampleReadTo[q] === y; q++) sampleRow(q, rows, cols, lineWidth, out);
  }
}

/**
 * The first row pass of one row at the needed columns, into `out` from `at`. A sample's needed
 * columns are consecutive, and inside the line their boxes are the windows sliding over 2w − 1
 * consecutive pixels, so each of those is read once and the sums are kept in registers; the
 * samples at the ends, whose windows are cut, are summed box by box.
 */
function firstRowPass(
  data: Uint8ClampedArray,
  rowStart: number,
  cols: SamplingPlan,
  out: Float32Array,
  at: number,
) {
  const { source, samples, sampleFrom, interiorFrom, interiorTo, window } = cols;
  const start = rowStart * 4;
  for (let p = 0; p < interiorFrom; p++) cutRowBoxes(data, start, cols, p, out, at);
  if (window === 2) {
    // Needed columns s, s + 1; boxes [o, o + 1].
    for (let p = interiorFrom; p <= interiorTo; p++) {
      const s = samples[p] as number;
      const o = at + (sampleFrom[p] as number);
      const l0 = lumaOf(data, start + (source[s] as number) * 4);
      const l1 = lumaOf(data, start + (source[s + 1] as number) * 4);
      const l2 = lumaOf(data, start + (source[s + 2] as number) * 4);
      out[o] = (l0 + l1) * 0.5;
      out[o + 1] = (l1 + l2) * 0.5;
    }
  } else if (window === 3) {
    // Needed columns s − 1 … s + 1; boxes [o − 1, o + 1].
    for (let p = interiorFrom; p <= interiorTo; p++) {
      const s = samples[p] as number;
      const o = at + (sampleFrom[p] as number);
      const l0 = lumaOf(data, start + (source[s - 2] as number) * 4);
      const l1 = lumaOf(data, start + (source[s - 1] as number) * 4);
      const l2 = lumaOf(data, start + (source[s] as number) * 4);
      const l3 = lumaOf(data, start + (source[s + 1] as number) * 4);
      const l4 = lumaOf(data, start + (source[s + 2] as number) * 4);
      out[o] = (l0 + l1 + l2) / 3;
      out[o + 1] = (l1 + l2 + l3) / 3;
      out[o + 2] = (l2 + l3 + l4) / 3;
    }
  } else {
    // Needed columns s − 1 … s + 2; boxes [o − 1, o + 2].
    for (let p = interiorFrom; p <= interiorTo; p++) {
      const s = samples[p] as number;
      const o = at + (sampleFrom[p] as number);
      const l0 = lumaOf(data, start + (source[s - 2] as number) * 4);
      const l1 = lumaOf(data, start + (source[s - 1] as number) * 4);
      const l2 = lumaOf(data, start + (source[s] as number) * 4);
      const l3 = lumaOf(data, start + (source[s + 1] as number) * 4);
      const l4 = lumaOf(data, start + (source[s + 2] as number) * 4);
      const l5 = lumaOf(data, start + (source[s + 3] as number) * 4);
      const l6 = lumaOf(data, start + (source[s + 4] as number) * 4);
      const middle = l2 + l3;
      out[o] = (l0 + l1 + middle) * 0.25;
      out[o + 1] = (l1 + middle + l4) * 0.25;
      out[o + 2] = (middle + l4 + l5) * 0.25;
      out[o + 3] = (l3 + l4 + l5 + l6) * 0.25;
    }
  }
  for (let p = interiorTo + 1; p < samples.length; p++) cutRowBoxes(data, start, cols, p, out, at);
}

/** The first row pass at the needed columns of sample p, box by box (for the samples at the ends). */
function cutRowBoxes(
  data: Uint8ClampedArray,
  start: number,
  cols: SamplingPlan,
  p: number,
  out: Float32Array,
  at: number,
) {
  const { source, needed, window, length } = cols;
  const half = Math.trunc((window + 2) / 2);
  for (let t = cols.sampleFrom[p] as number; t <= (cols.sampleTo[p] as number); t++) {
    // boxOf(needed[t]), without allocating.
    const o = needed[t] as number;
    const to = Math.min(length - 1, o + half - 1);
    let sum = 0;
    for (let c = Math.max(0, o - (window - half)); c <= to; c++)
      sum += lumaOf(data, start + (source[c] as number) * 4);
    const scale = cols.neededScale[t] as number;
    out[at + t] = scale !== 0 ? sum * scale : sum / 3;
  }
}

/**
 * The passes after the first at sample row q, whose rows are all in the ring: the first column
 * pass at its needed rows (up to 4 lines), the second row pass on each line at the sampled
 * columns, and the second column pass over those.
 */
function sampleRow(q: number, rows: SamplingPlan, cols: SamplingPlan, lineWidth: number, out: Float32Array) {
  const ring = firstPass;
  const n = cols.samples.length;
  const firstNeeded = rows.sampleFrom[q] as number;
  const lines = (rows.sampleTo[q] as number) - firstNeeded + 1;
  let columns = columnPass;
  let columnsAt = 0;
  if (rows.window === 1) {
    // The column passes are the identity: the line is the sample row's own.
    columns = ring;
    columnsAt = ((rows.sampleReadTo[q] as number) % RING) * lineWidth;
  } else if (q >= rows.interiorFrom && q <= rows.interiorTo) {
    slidingColumns(ring, rows.sampleReadFrom[q] as number, rows.window, lineWidth, columnPass);
  } else {
    for (let k = 0; k < lines; k++) {
      const u = firstNeeded + k;
      const to = rows.neededTo[u] as number;
      const scale = rows.neededScale[u] as number;
      for (let c = 0; c < lineWidth; c++) {
        let sum = 0;
        for (let r = rows.neededFrom[u] as number; r <= to; r++)
          sum += ring[(r % RING) * lineWidth + c] as number;
        columnPass[k * lineWidth + c] = scale !== 0 ? sum * scale : sum / 3;
      }
    }
  }
  let second = columns;
  let secondAt = columnsAt;
  if (cols.window > 1) {
    for (let k = 0; k < lines; k++)
      secondRowPass(columns, columnsAt + k * lineWidth, cols, secondPass, k * n);
    second = secondPass;
    secondAt = 0;
  }
  const outRow = q * n;
  if (lines === 1) {
    for (let p = 0; p < n; p++) out[outRow + p] = second[secondAt + p] as number;
    return;
  }
  const scale = rows.sampleScale[q] as number;
  for (let p = 0; p < n; p++) {
    let sum = 0;
    for (let k = 0; k < lines; k++) sum += second[secondAt + k * n + p] as number;
    out[outRow + p] = scale !== 0 ? sum * scale : sum / 3;
  }
}

/**
 * The first column pass at the w needed rows of an inner sample row: the windows sliding down the
 * 2w − 1 ring lines from read row `from`, each value read once.
 */
function slidingColumns(ring: Float32Array, from: number, window: number, width: number, out: Float32Array) {
  const r0 = (from % RING) * width;
  const r1 = ((from + 1) % RING) * width;
  const r2 = ((from + 2) % RING) * width;
  if (window === 2) {
    for (let c = 0; c < width; c++) {
      const v1 = ring[r1 + c] as number;
      out[c] = ((ring[r0 + c] as number) + v1) * 0.5;
      out[width + c] = (v1 + (ring[r2 + c] as number)) * 0.5;
    }
    return;
  }
  const r3 = ((from + 3) % RING) * width;
  const r4 = ((from + 4) % RING) * width;
  if (window === 3) {
    for (let c = 0; c < width; c++) {
      const v1 = ring[r1 + c] as number;
      const v2 = ring[r2 + c] as number;
      const v3 = ring[r3 + c] as number;
      out[c] = ((ring[r0 + c] as number) + v1 + v2) / 3;
      out[width + c] = (v1 + v2 + v3) / 3;
      out[2 * width + c] = (v2 + v3 + (ring[r4 + c] as number)) / 3;
    }
    return;
  }
  const r5 = ((from + 5) % RING) * width;
  const r6 = ((from + 6) % RING) * width;
  for (let c = 0; c < width; c++) {
    const v1 = ring[r1 + c] as number;
    const v2 = ring[r2 + c] as number;
    const v3 = ring[r3 + c] as number;
    const v4 = ring[r4 + c] as number;
    const v5 = ring[r5 + c] as number;
    const middle = v2 + v3;
    out[c] = ((ring[r0 + c] as number) + v1 + middle) * 0.25;
    out[width + c] = (v1 + middle + v4) * 0.25;
    out[2 * width + c] = (middle + v4 + v5) * 0.25;
    out[3 * width + c] = (v3 + v4 + v5 + (ring[r6 + c] as number)) * 0.25;
  }
}

/** The second row pass of one line (first-pass values at the needed columns), at the sampled columns. */
function secondRowPass(line: Float32Array, at: number, cols: SamplingPlan, out: Float32Array, outAt: number) {
  const { sampleFrom, sampleTo, sampleScale, interiorFrom, interiorTo, window } = cols;
  for (let p = 0; p < sampleFrom.length; p++) {
    const first = at + (sampleFrom[p] as number);
    if (p >= interiorFrom && p <= interiorTo) {
      // A full window of consecutive needed columns.
      const v0 = line[first] as number;
      const v1 = line[first + 1] as number;
      if (window === 2) out[outAt + p] = (v0 + v1) * 0.5;
      else if (window === 3) out[outAt + p] = (v0 + v1 + (line[first + 2] as number)) / 3;
      else out[outAt + p] = (v0 + v1 + (line[first + 2] as number) + (line[first + 3] as number)) * 0.25;
      continue;
    }
    const last = at + (sampleTo[p] as number);
    let sum = 0;
    for (let t = first; t <= last; t++) sum += line[t] as number;
    const scale = sampleScale[p] as number;
    out[outAt + p] = scale !== 0 ? sum * scale : sum / 3;
  }
}
