import { describe, expect, it } from "vitest";
import type { RgbaImage } from "./decode";
import { DIHEDRAL_TRANSFORMS, type DihedralTransform, pdqHash } from "./pdq";
import { downsample, samplingPlan } from "./pdq-downsample";

/**
 * pdq.ts computes PDQ with shortcuts (only the pixels the samples need, folded DCT, selection for
 * medians). These tests hold it to a direct evaluation of the algorithm on the whole image, on
 * sizes that exercise every box window (1–4 per axis), repeated samples (sides under 64 px) and
 * the resize of large images; the reference images in testdata/pdq cover only some of them.
 */

const f32 = Math.fround;

/** Both box-filter passes over the whole image, then the 64 × 64 block centres, the plain way. */
function directBlock(image: RgbaImage): Float32Array {
  const large = image.width > 512 || image.height > 512;
  const cols = large ? 512 : image.width;
  const rows = large ? 512 : image.height;
  let plane = new Float32Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    const sy = large ? Math.floor((y * image.height) / rows) : y;
    for (let x = 0; x < cols; x++) {
      const p = (sy * image.width + (large ? Math.floor((x * image.width) / cols) : x)) * 4;
      const [r, g, b] = [image.data[p] ?? 0, image.data[p + 1] ?? 0, image.data[p + 2] ?? 0];
      plane[y * cols + x] = f32(0.299) * r + f32(0.587) * g + f32(0.114) * b;
    }
  }
  const box = (input: Float32Array, along: "rows" | "cols") => {
    const length = along === "rows" ? cols : rows;
    const window = Math.trunc((length + 127) / 128);
    const half = Math.trunc((window + 2) / 2);
    const out = new Float32Array(input.length);
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < cols; x++) {
        const o = along === "rows" ? x : y;
        let sum = 0;
        let count = 0;
        for (let i = Math.max(0, o - (window - half)); i <= Math.min(length - 1, o + half - 1); i++, count++)
          sum += input[along === "rows" ? y * cols + i : i * cols + x] ?? 0;
        out[y * cols + x] = sum / count;
      }
    return out;
  };
  for (let pass = 0; pass < 2; pass++) plane = box(box(plane, "rows"), "cols");
  const block = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++)
    for (let j = 0; j < 64; j++)
      block[i * 64 + j] =
        plane[Math.trunc(((i + 0.5) * rows) / 64) * cols + Math.trunc(((j + 0.5) * cols) / 64)] ?? 0;
  return block;
}

/** PDQ from the 64 × 64 block: quality, B = D A Dᵀ in float buffers, the sorted median, and each dihedral by moving B. */
function directHash(image: RgbaImage) {
  const a = directBlock(image);
  let gradients = 0;
  for (let i = 0; i < 64; i++)
    for (let j = 0; j < 64; j++) {
      const u = a[i * 64 + j] ?? 0;
      if (i < 63) gradients += Math.abs(Math.trunc(f32(f32((u - (a[(i + 1) * 64 + j] ?? 0)) * 100) / 255)));
      if (j < 63) gradients += Math.abs(Math.trunc(f32(f32((u - (a[i * 64 + j + 1] ?? 0)) * 100) / 255)));
    }
  const d = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++)
    for (let k = 0; k < 64; k++)
      d[i * 64 + k] = f32(Math.sqrt(2 / 64)) * Math.cos((Math.PI / 128) * (i + 1) * (2 * k + 1));
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++)
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum += (d[i * 64 + k] ?? 0) * (a[k * 64 + j] ?? 0);
      t[i * 64 + j] = sum;
    }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++)
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum += (t[i * 64 + k] ?? 0) * (d[j * 64 + k] ?? 0);
      b[i * 16 + j] = sum;
    }
  // Where coefficient (i, j) goes, and its sign, under each rotation and flip.
  const moves: Record<DihedralTransform, (i: number, j: number) => [number, number, number]> = {
    orig: (i, j) => [i, j, 1],
    rot90: (i, j) => [j, i, j % 2 ? 1 : -1],
    rot180: (i, j) => [i, j, (i + j) % 2 ? -1 : 1],
    rot270: (i, j) => [j, i, i % 2 ? 1 : -1],
    flipx: (i, j) => [i, j, i % 2 ? 1 : -1],
    flipy: (i, j) => [i, j, j % 2 ? 1 : -1],
    flipp: (i, j) => [j, i, 1],
    flipm: (i, j) => [j, i, (i + j) % 2 ? -1 : 1],
  };
  const hex = (move: (i: number, j: number) => [number, number, number]) => {
    const moved = new Float32Array(256);
    for (let i = 0; i < 16; i++)
      for (let j = 0; j < 16; j++) {
        const [r, c, sign] = move(i, j);
        moved[r * 16 + c] = sign * (b[i * 16 + j] ?? 0);
      }
    const median = Float32Array.from(moved).sort()[127] ?? 0;
    let out = "";
    for (let word = 15; word >= 0; word--) {
      let bits = 0;
      for (let bit = 0; bit < 16; bit++) if ((moved[word * 16 + bit] ?? 0) > median) bits |= 1 << bit;
      out += bits.toString(16).padStart(4, "0");
    }
    return out;
  };
  const dihedral = Object.fromEntries(DIHEDRAL_TRANSFORMS.map((name) => [name, hex(moves[name])]));
  return { hash: dihedral.orig, quality: Math.min(100, Math.trunc(gradients / 90)), dihedral };
}

/** Deterministic pixels: noise, or a smooth pattern with a little noise (low quality, no exact ties). */
function testImage(width: number, height: number, seed: number, smooth: boolean): RgbaImage {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 4; c++)
        data[(y * width + x) * 4 + c] = smooth
          ? 128 + 60 * Math.sin(x / (9 + c) + y / 13) + 3 * random()
          : 256 * random();
  return { width, height, data };
}

/** Sizes with each window (1: ≤ 128 px, 2: ≤ 256, 3: ≤ 384, 4: ≤ 512), sides under 64, and resizes. */
const SIZES: [number, number][] = [
  [5, 5],
  [34, 42],
  [63, 64],
  [65, 128],
  [160, 100],
  [129, 255],
  [257, 384],
  [300, 130],
  [385, 512],
  [511, 97],
  [513, 200],
  [900, 700],
];

describe("PDQ against a direct evaluation of the algorithm", () => {
  it("downsamples bit for bit as two whole-image box-filter passes do, at every window size", () => {
    for (const [width, height] of SIZES) {
      const image = testImage(width, height, width * 1000 + height, false);
      const large = width > 512 || height > 512;
      const rows = samplingPlan(height, large ? 512 : height);
      const cols = samplingPlan(width, large ? 512 : width);
      const ours = new Float32Array(64 * 64);
      downsample(image, rows, cols, ours);
      const expected = directBlock(image);
      const n = cols.samples.length;
      let differing = 0;
      for (let i = 0; i < 64; i++)
        for (let j = 0; j < 64; j++)
          if (!Object.is(ours[(rows.sampleOf[i] ?? 0) * n + (cols.sampleOf[j] ?? 0)], expected[i * 64 + j]))
            differing++;
      expect(differing, `${width}×${height}`).toBe(0);
    }
  });

  it("gives the same hash, quality and dihedral hashes, for busy and smooth images", () => {
    for (const [width, height] of SIZES) {
      for (const smooth of [false, true]) {
        const image = testImage(width, height, width + height * 7, smooth);
        const expected = directHash(image);
        const ours = pdqHash(image);
        const label = `${width}×${height}${smooth ? " smooth" : ""}`;
        expect(ours.quality, label).toBe(expected.quality);
        expect(ours.dihedral, label).toEqual(expected.dihedral);
        expect(ours.hash, label).toBe(expected.hash);
      }
    }
  });

  it("gives images smaller than 5 px an all-zero hash of quality 0", () => {
    const ours = pdqHash(testImage(4, 300, 1, false));
    expect(ours.quality).toBe(0);
    expect(new Set([ours.hash, ...Object.values(ours.dihedral)])).toEqual(new Set(["0".repeat(64)]));
  });
});
