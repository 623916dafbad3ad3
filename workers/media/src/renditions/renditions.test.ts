import { describe, expect, it } from "vitest";
import BRIDGE from "../../../../testdata/pdq/bridge-1-original.jpg";
import PEN from "../../../../testdata/pdq/pen-and-coaster.png";
import { decodeImage, type RgbaImage } from "../fingerprint/decode";
import { encodeJpeg } from "./encode-jpeg";
import { enlargeBlocks, fitLongSide, resizeArea } from "./resize";
import { makeTeaser, TEASER_BLOCK, TEASER_CELLS, TEASER_COLOURS } from "./teaser";
import { makeThumbnail, THUMBNAIL_SIZES } from "./thumbnails";

const image = (width: number, height: number, pixels: number[][]): RgbaImage => ({
  width,
  height,
  data: new Uint8ClampedArray(pixels.flat()),
});

function psnr(a: RgbaImage, b: RgbaImage): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (i % 4 === 3) continue;
    const d = (a.data[i] ?? 0) - (b.data[i] ?? 0);
    sum += d * d;
    n++;
  }
  return 10 * Math.log10((255 * 255) / (sum / n));
}

/** The sampling factors of each component in a JPEG's start-of-frame segment. */
function samplingFactors(jpeg: Uint8Array): string[] {
  for (let i = 2; i < jpeg.length - 9; ) {
    if (jpeg[i] !== 0xff) throw new Error("not at a marker");
    const marker = jpeg[i + 1] ?? 0;
    const length = ((jpeg[i + 2] ?? 0) << 8) | (jpeg[i + 3] ?? 0);
    if (marker >= 0xc0 && marker <= 0xc2) {
      const components = jpeg[i + 9] ?? 0;
      return Array.from({ length: components }, (_, c) => {
        const factors = jpeg[i + 11 + c * 3] ?? 0;
        return `${factors >> 4}x${factors & 15}`;
      });
    }
    i += 2 + length;
  }
  throw new Error("no start-of-frame segment");
}

describe("encodeJpeg", () => {
  it("encodes inside workerd with 4:2:0 chroma, close to the pixels at quality 90", async () => {
    const original = await decodeImage(new Uint8Array(BRIDGE));
    const jpeg = await encodeJpeg(original, 90);
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    expect(samplingFactors(jpeg)).toEqual(["2x2", "1x1", "1x1"]);
    const again = await decodeImage(jpeg);
    expect([again.type, again.width, again.height]).toEqual(["image/jpeg", 1600, 1004]);
    expect(psnr(original, again)).toBeGreaterThan(35);
    const rough = await decodeImage(await encodeJpeg(original, 20));
    expect(psnr(original, rough)).toBeLessThan(psnr(original, again));
    await expect(encodeJpeg(original, 0)).rejects.toThrow(RangeError);
  });
});

describe("resizeArea", () => {
  it("averages exactly the area each output pixel covers", () => {
    const two = image(2, 1, [
      [0, 100, 200, 255],
      [100, 200, 0, 255],
    ]);
    expect([...resizeArea(two, 1, 1).data]).toEqual([50, 150, 100, 255]);
    // Three columns into two: each output covers one and a half source pixels.
    const three = image(3, 1, [
      [0, 0, 0, 255],
      [90, 90, 90, 255],
      [180, 180, 180, 255],
    ]);
    expect([...resizeArea(three, 2, 1).data]).toEqual([30, 30, 30, 255, 150, 150, 150, 255]);
    expect(() => resizeArea(three, 4, 1)).toThrow(RangeError);
  });

  it("enlarges by whole blocks and fits a long side without ever enlarging", () => {
    const one = image(1, 1, [[1, 2, 3, 4]]);
    expect([...enlargeBlocks(one, 2).data]).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
    expect(fitLongSide(1600, 1004, 240)).toEqual({ width: 240, height: 151 });
    expect(fitLongSide(100, 50, 240)).toEqual({ width: 100, height: 50 });
  });
});

describe("thumbnails and teasers", () => {
  it("makes thumbnails at the documented sizes, never larger than the source", async () => {
    const bridge = await decodeImage(new Uint8Array(BRIDGE));
    const small = makeThumbnail(bridge, "small");
    const medium = makeThumbnail(bridge, "medium");
    expect([small.width, small.height]).toEqual([THUMBNAIL_SIZES.small, 151]);
    expect([medium.width, medium.height]).toEqual([THUMBNAIL_SIZES.medium, 452]);
    const pen = await decodeImage(new Uint8Array(PEN));
    expect(makeThumbnail(makeThumbnail(pen, "small"), "medium").width).toBe(THUMBNAIL_SIZES.small);
  });

  it("makes a teaser that keeps only a coarse mosaic of a few colours", async () => {
    const bridge = await decodeImage(new Uint8Array(BRIDGE));
    const teaser = makeTeaser(bridge);
    expect([teaser.width, teaser.height]).toEqual([TEASER_CELLS * TEASER_BLOCK, 8 * TEASER_BLOCK]);
    const colours = new Set<string>();
    for (let i = 0; i < teaser.data.length; i += 4) {
      colours.add(`${teaser.data[i]},${teaser.data[i + 1]},${teaser.data[i + 2]}`);
      expect(teaser.data[i + 3]).toBe(255);
    }
    expect(colours.size).toBeLessThanOrEqual(TEASER_COLOURS);
    expect(colours.size).toBeGreaterThan(1);
    // Every block is one colour: nothing finer than a cell survives.
    for (let by = 0; by < teaser.height; by += TEASER_BLOCK) {
      for (let bx = 0; bx < teaser.width; bx += TEASER_BLOCK) {
        const corner = (by * teaser.width + bx) * 4;
        const far = ((by + TEASER_BLOCK - 1) * teaser.width + bx + TEASER_BLOCK - 1) * 4;
        expect(teaser.data.slice(far, far + 4)).toEqual(teaser.data.slice(corner, corner + 4));
      }
    }
  });
});
