import type { RgbaImage } from "../fingerprint/decode";

/** A single-channel float image, row-major. */
export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

/** BT.601 luma of each pixel, 0–255. */
export function luma(image: RgbaImage): Plane {
  const n = image.width * image.height;
  const data = new Float32Array(n);
  const px = image.data;
  for (let i = 0, p = 0; i < n; i++, p += 4)
    data[i] = 0.299 * (px[p] ?? 0) + 0.587 * (px[p + 1] ?? 0) + 0.114 * (px[p + 2] ?? 0);
  return { width: image.width, height: image.height, data };
}

/** One axis of a resample: for each output sample, the source indices and weights. */
function resampleAxis(from: number, to: number): { start: Int32Array; weights: Float32Array[] } {
  const scale = from / to;
  const start = new Int32Array(to);
  const weights: Float32Array[] = [];
  for (let o = 0; o < to; o++) {
    if (scale >= 1) {
      // Downscale: average over the output pixel's footprint (area filter).
      const a = o * scale;
      const b = a + scale;
      const first = Math.floor(a);
      const last = Math.min(from - 1, Math.ceil(b) - 1);
      const w = new Float32Array(last - first + 1);
      for (let i = first; i <= last; i++) w[i - first] = (Math.min(b, i + 1) - Math.max(a, i)) / scale;
      start[o] = first;
      weights.push(w);
    } else {
      // Upscale: linear interpolation between the two nearest source centres.
      const c = Math.min(from - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const first = Math.min(from - 2, Math.floor(c));
      if (from === 1) {
        start[o] = 0;
        weights.push(new Float32Array([1]));
      } else {
        const f = c - first;
        start[o] = first;
        weights.push(new Float32Array([1 - f, f]));
      }
    }
  }
  return { start, weights };
}

/** Separable resample to `width` × `height` (area average when shrinking, bilinear when growing). */
export function resample(plane: Plane, width: number, height: number): Plane {
  const xs = resampleAxis(plane.width, width);
  const ys = resampleAxis(plane.height, height);
  const rows = new Float32Array(width * plane.height);
  for (let y = 0; y < plane.height; y++) {
    const row = y * plane.width;
    for (let x = 0; x < width; x++) {
      const w = xs.weights[x] as Float32Array;
      const s = xs.start[x] ?? 0;
      let sum = 0;
      for (let k = 0; k < w.length; k++) sum += (w[k] ?? 0) * (plane.data[row + s + k] ?? 0);
      rows[y * width + x] = sum;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const w = ys.weights[y] as Float32Array;
    const s = ys.start[y] ?? 0;
    for (let k = 0; k < w.length; k++) {
      const wk = w[k] ?? 0;
      const src = (s + k) * width;
      for (let x = 0; x < width; x++)
        out[y * width + x] = (out[y * width + x] ?? 0) + wk * (rows[src + x] ?? 0);
    }
  }
  return { width, height, data: out };
}

/** Separable Gaussian blur with edge clamping, kernel radius ceil(3σ). */
export function gaussianBlur(plane: Plane, sigma: number): Plane {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel[i + radius] = v;
    total += v;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] ?? 0) / total;
  const { width, height, data } = plane;
  const tmp = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const xx = x + k < 0 ? 0 : x + k >= width ? width - 1 : x + k;
        sum += (kernel[k + radius] ?? 0) * (data[row + xx] ?? 0);
      }
      tmp[row + x] = sum;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let k = -radius; k <= radius; k++) {
      const yy = y + k < 0 ? 0 : y + k >= height ? height - 1 : y + k;
      const w = kernel[k + radius] ?? 0;
      const src = yy * width;
      const dst = y * width;
      for (let x = 0; x < width; x++) out[dst + x] = (out[dst + x] ?? 0) + w * (tmp[src + x] ?? 0);
    }
  }
  return { width, height, data: out };
}
