/**
 * The benchmark's image attacks (testdata/watermark/attacks.json), on RGBA pixels, with Pillow's
 * semantics where the file names them: the resize filters are Pillow's separable convolution
 * resampler (support scaled by the reduction factor), brightness and contrast are
 * ImageEnhance blends. JPEG is passed in because the codec is WASM loaded by the caller.
 */
import type { RgbaImage } from "../fingerprint/decode";

export type ResizeFilter = "area" | "bilinear" | "bicubic";

/**
 * The benchmark's `jpeg` step: MozJPEG at the step's quality with the standard (Annex K,
 * libjpeg/Pillow) quantisation tables, 4:2:0 chroma, baseline. Shared by the workerd tests
 * (`jpeg-attack.ts`) and the Node benchmark so both attack with the same encoder settings.
 */
export const JPEG_ATTACK_OPTIONS = {
  quant_table: 0,
  auto_subsample: false,
  chroma_subsample: 2,
  progressive: false,
} as const;

const FILTERS: Record<ResizeFilter, { support: number; weight: (x: number) => number }> = {
  area: { support: 0.5, weight: (x) => (x >= -0.5 && x < 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

function axisWeights(from: number, to: number, filter: ResizeFilter) {
  const { support, weight } = FILTERS[filter];
  const scale = from / to;
  const filterScale = Math.max(1, scale);
  const reach = support * filterScale;
  const starts = new Int32Array(to);
  const weights: Float64Array[] = [];
  for (let o = 0; o < to; o++) {
    const centre = (o + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - reach));
    const last = Math.min(from, Math.ceil(centre + reach));
    const w = new Float64Array(last - first);
    let total = 0;
    for (let i = first; i < last; i++) {
      const v = weight((i - centre + 0.5) / filterScale);
      w[i - first] = v;
      total += v;
    }
    if (total !== 0) for (let i = 0; i < w.length; i++) w[i] = (w[i] ?? 0) / total;
    starts[o] = first;
    weights.push(w);
  }
  return { starts, weights };
}

/** Resize to exactly `width` × `height` with Pillow's resampling for `filter`, rounding to 8 bits each pass. */
export function resizeTo(image: RgbaImage, width: number, height: number, filter: ResizeFilter): RgbaImage {
  const xs = axisWeights(image.width, width, filter);
  const ys = axisWeights(image.height, height, filter);
  const mid = new Uint8ClampedArray(width * image.height * 4);
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < width; x++) {
      const w = xs.weights[x] as Float64Array;
      const s = xs.starts[x] ?? 0;
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let k = 0; k < w.length; k++)
          sum += (w[k] ?? 0) * (image.data[((y * image.width + s + k) << 2) + c] ?? 0);
        mid[((y * width + x) << 2) + c] = Math.round(sum);
      }
    }
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const w = ys.weights[y] as Float64Array;
    const s = ys.starts[y] ?? 0;
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let k = 0; k < w.length; k++) sum += (w[k] ?? 0) * (mid[(((s + k) * width + x) << 2) + c] ?? 0);
        out[((y * width + x) << 2) + c] = Math.round(sum);
      }
  }
  return { width, height, data: out };
}

/** Resize by `scale` (output sides rounded, at least 1 px). */
export function resize(image: RgbaImage, scale: number, filter: ResizeFilter): RgbaImage {
  return resizeTo(
    image,
    Math.max(1, Math.round(image.width * scale)),
    Math.max(1, Math.round(image.height * scale)),
    filter,
  );
}

/** Crop at fractions of the size (offsets and sizes rounded down). */
export function crop(image: RgbaImage, x0: number, y0: number, keepW: number, keepH: number): RgbaImage {
  const left = Math.floor(image.width * x0);
  const top = Math.floor(image.height * y0);
  const width = Math.floor(image.width * keepW);
  const height = Math.floor(image.height * keepH);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 4;
    out.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data: out };
}

/** Centre crop keeping `keepW` of the width and `keepH` of the height. */
export function centerCrop(image: RgbaImage, keepW: number, keepH: number): RgbaImage {
  const width = Math.floor(image.width * keepW);
  const height = Math.floor(image.height * keepH);
  return crop(
    image,
    Math.floor((image.width - width) / 2) / image.width,
    Math.floor((image.height - height) / 2) / image.height,
    keepW,
    keepH,
  );
}

function mapRgb(image: RgbaImage, f: (v: number) => number): RgbaImage {
  const out = new Uint8ClampedArray(image.data);
  for (let p = 0; p < out.length; p += 4) {
    out[p] = Math.round(f(out[p] ?? 0));
    out[p + 1] = Math.round(f(out[p + 1] ?? 0));
    out[p + 2] = Math.round(f(out[p + 2] ?? 0));
  }
  return { width: image.width, height: image.height, data: out };
}

/** ImageEnhance.Brightness: a blend with black, i.e. RGB × factor, clipped. */
export function brightness(image: RgbaImage, factor: number): RgbaImage {
  return mapRgb(image, (v) => v * factor);
}

/** ImageEnhance.Contrast: a blend with the image's mean grey level (rounded), clipped. */
export function contrast(image: RgbaImage, factor: number): RgbaImage {
  let sum = 0;
  for (let p = 0; p < image.data.length; p += 4)
    sum += Math.floor(
      ((image.data[p] ?? 0) * 299 + (image.data[p + 1] ?? 0) * 587 + (image.data[p + 2] ?? 0) * 114) / 1000,
    );
  const mean = Math.floor(sum / (image.width * image.height) + 0.5);
  return mapRgb(image, (v) => mean + factor * (v - mean));
}

/** Gaussian blur per channel, kernel radius ceil(3σ), edges clamped. */
export function gaussianBlurRgba(image: RgbaImage, sigma: number): RgbaImage {
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = kernel.reduce((a, b) => a + b, 0);
  const k = kernel.map((v) => v / total);
  const { width, height } = image;
  const pass = (src: Float64Array, horizontal: boolean) => {
    const dst = new Float64Array(src.length);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let i = -radius; i <= radius; i++) {
            const xx = horizontal ? Math.min(width - 1, Math.max(0, x + i)) : x;
            const yy = horizontal ? y : Math.min(height - 1, Math.max(0, y + i));
            sum += (k[i + radius] ?? 0) * (src[((yy * width + xx) << 2) + c] ?? 0);
          }
          dst[((y * width + x) << 2) + c] = sum;
        }
    return dst;
  };
  const blurred = pass(pass(Float64Array.from(image.data), true), false);
  const out = new Uint8ClampedArray(image.data);
  for (let p = 0; p < out.length; p += 4)
    for (let c = 0; c < 3; c++) out[p + c] = Math.round(blurred[p + c] ?? 0);
  return { width, height, data: out };
}

/** Resize each axis by its own factor (aspect change), sides rounded, at least 1 px. */
export function resizeXY(image: RgbaImage, sx: number, sy: number, filter: ResizeFilter): RgbaImage {
  return resizeTo(
    image,
    Math.max(1, Math.round(image.width * sx)),
    Math.max(1, Math.round(image.height * sy)),
    filter,
  );
}

/** Shrink so the long side is `pixels` (never enlarges when `onlyIfLarger`). */
export function resizeLongSide(
  image: RgbaImage,
  pixels: number,
  filter: ResizeFilter,
  onlyIfLarger: boolean,
): RgbaImage {
  const long = Math.max(image.width, image.height);
  if (onlyIfLarger && long <= pixels) return image;
  return resize(image, pixels / long, filter);
}

/** Cut `left`, `top`, `right`, `bottom` pixels off the edges. */
export function cropPx(
  image: RgbaImage,
  left: number,
  top: number,
  right: number,
  bottom: number,
): RgbaImage {
  const width = Math.max(1, image.width - left - right);
  const height = Math.max(1, image.height - top - bottom);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 4;
    out.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data: out };
}

/** Add a border of `fill` (opaque) around the image. */
export function padPx(
  image: RgbaImage,
  left: number,
  top: number,
  right: number,
  bottom: number,
  fill: readonly number[],
): RgbaImage {
  const width = image.width + left + right;
  const height = image.height + top + bottom;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < out.length; p += 4) {
    out[p] = fill[0] ?? 0;
    out[p + 1] = fill[1] ?? 0;
    out[p + 2] = fill[2] ?? 0;
    out[p + 3] = 255;
  }
  for (let y = 0; y < image.height; y++) {
    const from = y * image.width * 4;
    out.set(image.data.subarray(from, from + image.width * 4), ((top + y) * width + left) * 4);
  }
  return { width, height, data: out };
}

/** Mirror left to right. */
export function hflip(image: RgbaImage): RgbaImage {
  const { width, height } = image;
  const out = new Uint8ClampedArray(image.data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      out.set(image.data.subarray(from, from + 4), (y * width + (width - 1 - x)) * 4);
    }
  return { width, height, data: out };
}

/**
 * Pillow's `rotate(degrees, BILINEAR, expand=False, fillcolor)`: counter-clockwise about the image
 * centre, same size, corners filled with `fill`. Each output pixel centre is mapped back into the
 * source and interpolated bilinearly; outside the source it takes the fill.
 */
export function rotate(image: RgbaImage, degrees: number, fill: readonly number[] = [0, 0, 0]): RgbaImage {
  const { width, height, data } = image;
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = width / 2;
  const cy = height / 2;
  const out = new Uint8ClampedArray(data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      // Inverse map (y axis points down, so a counter-clockwise turn on screen).
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const sx = cos * dx - sin * dy + cx - 0.5;
      const sy = sin * dx + cos * dy + cy - 0.5;
      const o = (y * width + x) * 4;
      out[o + 3] = 255;
      if (sx < -0.5 || sy < -0.5 || sx > width - 0.5 || sy > height - 0.5) {
        out[o] = fill[0] ?? 0;
        out[o + 1] = fill[1] ?? 0;
        out[o + 2] = fill[2] ?? 0;
        continue;
      }
      const x0 = Math.max(0, Math.min(width - 1, Math.floor(sx)));
      const y0 = Math.max(0, Math.min(height - 1, Math.floor(sy)));
      const x1 = Math.min(width - 1, x0 + 1);
      const y1 = Math.min(height - 1, y0 + 1);
      const fx = Math.max(0, Math.min(1, sx - x0));
      const fy = Math.max(0, Math.min(1, sy - y0));
      for (let c = 0; c < 3; c++) {
        const a = data[(y0 * width + x0) * 4 + c] ?? 0;
        const b = data[(y0 * width + x1) * 4 + c] ?? 0;
        const d = data[(y1 * width + x0) * 4 + c] ?? 0;
        const e = data[(y1 * width + x1) * 4 + c] ?? 0;
        out[o + c] = Math.round((a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy);
      }
    }
  return { width, height, data: out };
}

/** ImageEnhance.Color: a blend with the image's own greyscale (Pillow's L = 299/587/114), clipped. */
export function saturation(image: RgbaImage, factor: number): RgbaImage {
  const out = new Uint8ClampedArray(image.data);
  for (let p = 0; p < out.length; p += 4) {
    const r = out[p] ?? 0;
    const g = out[p + 1] ?? 0;
    const b = out[p + 2] ?? 0;
    const grey = Math.round((r * 299 + g * 587 + b * 114) / 1000);
    out[p] = Math.round(grey + factor * (r - grey));
    out[p + 1] = Math.round(grey + factor * (g - grey));
    out[p + 2] = Math.round(grey + factor * (b - grey));
  }
  return { width: image.width, height: image.height, data: out };
}

/** out = 255 · (in / 255)^gamma per channel. */
export function gamma(image: RgbaImage, g: number): RgbaImage {
  return mapRgb(image, (v) => 255 * (v / 255) ** g);
}

/**
 * Additive Gaussian noise of standard deviation `sigma` (0–255 units), independent per pixel and
 * channel, clipped. Seeded (mulberry32 + Box–Muller) so a run is reproducible; the exact noise
 * differs from NumPy's for the same seed, its statistics do not.
 */
export function gaussianNoise(image: RgbaImage, sigma: number, seed: number): RgbaImage {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Uint8ClampedArray(image.data);
  for (let p = 0; p < out.length; p += 4)
    for (let c = 0; c < 3; c++) {
      const n = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      out[p + c] = Math.round((out[p + c] ?? 0) + sigma * n);
    }
  return { width: image.width, height: image.height, data: out };
}

/**
 * ImageFilter.UnsharpMask(radius, percent, threshold): the image plus `percent`% of its difference
 * from a Gaussian blur of σ = radius, where that difference is at least `threshold`, clipped.
 */
export function unsharpMask(image: RgbaImage, radius: number, percent: number, threshold: number): RgbaImage {
  const blurred = gaussianBlurRgba(image, radius);
  const out = new Uint8ClampedArray(image.data);
  for (let p = 0; p < out.length; p += 4)
    for (let c = 0; c < 3; c++) {
      const v = image.data[p + c] ?? 0;
      const diff = v - (blurred.data[p + c] ?? 0);
      if (Math.abs(diff) >= threshold) out[p + c] = Math.round(v + (diff * percent) / 100);
    }
  return { width: image.width, height: image.height, data: out };
}

/** PSNR over R, G and B (peak 255) of `b` against `a`. */
export function psnrRgb(a: RgbaImage, b: RgbaImage): number {
  let sq = 0;
  for (let p = 0; p < a.data.length; p += 4)
    for (let c = 0; c < 3; c++) sq += ((a.data[p + c] ?? 0) - (b.data[p + c] ?? 0)) ** 2;
  const mse = sq / (a.width * a.height * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** Mean SSIM of BT.601 luma with a 7 × 7 Gaussian window (σ 1.5), edges clamped. */
export function ssimLuma(a: RgbaImage, b: RgbaImage): number {
  const { width, height } = a;
  const lumaOf = (img: RgbaImage) => {
    const out = new Float64Array(width * height);
    for (let i = 0, p = 0; i < out.length; i++, p += 4)
      out[i] = 0.299 * (img.data[p] ?? 0) + 0.587 * (img.data[p + 1] ?? 0) + 0.114 * (img.data[p + 2] ?? 0);
    return out;
  };
  const x = lumaOf(a);
  const y = lumaOf(b);
  const radius = 3;
  const kernel = Array.from({ length: 7 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * 1.5 * 1.5)));
  const total = kernel.reduce((s, v) => s + v, 0);
  const k = kernel.map((v) => v / total);
  // Separable 7-tap blur with edge clamping; taps are only clamped in the three-pixel borders.
  const blur = (src: Float64Array) => {
    const tmp = new Float64Array(src.length);
    const out = new Float64Array(src.length);
    const [k0, k1, k2, k3] = [k[0] ?? 0, k[1] ?? 0, k[2] ?? 0, k[3] ?? 0];
    for (let yy = 0; yy < height; yy++) {
      const row = yy * width;
      for (let xx = 0; xx < width; xx++) {
        if (xx >= radius && xx < width - radius) {
          const i = row + xx;
          tmp[i] =
            k0 * ((src[i - 3] as number) + (src[i + 3] as number)) +
            k1 * ((src[i - 2] as number) + (src[i + 2] as number)) +
            k2 * ((src[i - 1] as number) + (src[i + 1] as number)) +
            k3 * (src[i] as number);
          continue;
        }
        let s = 0;
        for (let i = -radius; i <= radius; i++)
          s += (k[i + radius] ?? 0) * (src[row + Math.min(width - 1, Math.max(0, xx + i))] ?? 0);
        tmp[row + xx] = s;
      }
    }
    for (let yy = 0; yy < height; yy++) {
      const rows = [-3, -2, -1, 0, 1, 2, 3].map((d) => Math.min(height - 1, Math.max(0, yy + d)) * width);
      const [r0, r1, r2, r3, r4, r5, r6] = rows as [number, number, number, number, number, number, number];
      const dst = yy * width;
      for (let xx = 0; xx < width; xx++)
        out[dst + xx] =
          k0 * ((tmp[r0 + xx] as number) + (tmp[r6 + xx] as number)) +
          k1 * ((tmp[r1 + xx] as number) + (tmp[r5 + xx] as number)) +
          k2 * ((tmp[r2 + xx] as number) + (tmp[r4 + xx] as number)) +
          k3 * (tmp[r3 + xx] as number);
    }
    return out;
  };
  const mx = blur(x);
  const my = blur(y);
  const sxx = blur(x.map((v) => v * v));
  const syy = blur(y.map((v) => v * v));
  const sxy = blur(x.map((v, i) => v * (y[i] ?? 0)));
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const ux = mx[i] ?? 0;
    const uy = my[i] ?? 0;
    const vx = (sxx[i] ?? 0) - ux * ux;
    const vy = (syy[i] ?? 0) - uy * uy;
    const cxy = (sxy[i] ?? 0) - ux * uy;
    sum += ((2 * ux * uy + c1) * (2 * cxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  }
  return sum / x.length;
}
