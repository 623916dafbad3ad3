import type { RgbaImage } from "../fingerprint/decode";

/**
 * Output pixel i of a resize from `from` to `to` samples covers source interval
 * [i·from/to, (i+1)·from/to): the weight of each source sample is the length of its overlap.
 */
function areaWeights(from: number, to: number): { start: Int32Array; weights: Float64Array[] } {
  const scale = from / to;
  const start = new Int32Array(to);
  const weights: Float64Array[] = [];
  for (let i = 0; i < to; i++) {
    const left = i * scale;
    const right = left + scale;
    const first = Math.floor(left);
    const last = Math.min(from, Math.ceil(right));
    const row = new Float64Array(last - first);
    for (let s = first; s < last; s++) row[s - first] = (Math.min(right, s + 1) - Math.max(left, s)) / scale;
    start[i] = first;
    weights.push(row);
  }
  return { start, weights };
}

/**
 * Downscales by area averaging ("box"/"area" filtering, as PIL's `reduce` and OpenCV's INTER_AREA):
 * each output pixel is the exact area-weighted mean of the source pixels it covers, alpha included.
 * Separable: rows first, then columns. Only shrinks; a target larger than the source is refused.
 */
export function resizeArea(image: RgbaImage, width: number, height: number): RgbaImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`a resize target is whole pixels, at least 1×1, not ${width}×${height}`);
  if (width > image.width || height > image.height)
    throw new RangeError(`resizeArea only shrinks: ${image.width}×${image.height} to ${width}×${height}`);
  const columns = areaWeights(image.width, width);
  const rows = areaWeights(image.height, height);
  const across = new Float64Array(width * image.height * 4);
  for (let y = 0; y < image.height; y++) {
    const source = y * image.width * 4;
    for (let x = 0; x < width; x++) {
      const first = columns.start[x] ?? 0;
      const w = columns.weights[x] as Float64Array;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0; k < w.length; k++) {
        const p = source + (first + k) * 4;
        const weight = w[k] ?? 0;
        r += (image.data[p] ?? 0) * weight;
        g += (image.data[p + 1] ?? 0) * weight;
        b += (image.data[p + 2] ?? 0) * weight;
        a += (image.data[p + 3] ?? 0) * weight;
      }
      const o = (y * width + x) * 4;
      across[o] = r;
      across[o + 1] = g;
      across[o + 2] = b;
      across[o + 3] = a;
    }
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const first = rows.start[y] ?? 0;
    const w = rows.weights[y] as Float64Array;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let k = 0; k < w.length; k++)
          sum += (across[((first + k) * width + x) * 4 + c] ?? 0) * (w[k] ?? 0);
        data[(y * width + x) * 4 + c] = Math.round(sum);
      }
    }
  }
  return { width, height, data };
}

/** Nearest-neighbour enlargement by a whole factor: every source pixel becomes a factor × factor block. */
export function enlargeBlocks(image: RgbaImage, factor: number): RgbaImage {
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`a block factor is a whole number ≥ 1, not ${factor}`);
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x++) {
      const s = (sourceRow + Math.floor(x / factor)) * 4;
      const o = (y * width + x) * 4;
      data[o] = image.data[s] ?? 0;
      data[o + 1] = image.data[s + 1] ?? 0;
      data[o + 2] = image.data[s + 2] ?? 0;
      data[o + 3] = image.data[s + 3] ?? 0;
    }
  }
  return { width, height, data };
}

/** The size that fits `longSide` on the longer side, keeping the aspect ratio; never larger than the source. */
export function fitLongSide(
  width: number,
  height: number,
  longSide: number,
): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
