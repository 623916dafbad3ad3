import { beforeAll, describe, expect, it } from "vitest";
import protocol from "../../../../testdata/watermark/attacks.json";
import astronautJpg from "../../../../testdata/watermark/images/astronaut.jpg";
import chelseaJpg from "../../../../testdata/watermark/images/chelsea.jpg";
import coffeeJpg from "../../../../testdata/watermark/images/coffee.jpg";
import duneJpg from "../../../../testdata/watermark/images/dune.jpg";
import rocketJpg from "../../../../testdata/watermark/images/rocket.jpg";
import stormJpg from "../../../../testdata/watermark/images/storm.jpg";
import { decodeImage, type RgbaImage } from "../fingerprint/decode";
import { type AttackCodecs, type AttackStep, applySteps } from "./attack-steps";
import { psnrRgb, ssimLuma } from "./attacks";
import { detectWatermark } from "./detect";
import { embedWatermark } from "./embed";
import { jpegRoundTrip } from "./jpeg-attack";

const FILES: Record<string, ArrayBuffer> = {
  astronaut: astronautJpg,
  chelsea: chelseaJpg,
  coffee: coffeeJpg,
  rocket: rocketJpg,
  dune: duneJpg,
  storm: stormJpg,
};
const NAMES = Object.keys(FILES);

const KEY = new TextEncoder().encode("tenant key: girlfanz, 2026-11");
const OTHER_KEY = new TextEncoder().encode("tenant key: pupfanz, 2026-11");

/** A distinct 64-bit ID per image, using the whole range (top bit set on some). */
const idFor = (name: string) =>
  0x9e3779b97f4a7c15n ^ (BigInt(name.length) << 56n) ^ BigInt(name.charCodeAt(0));

/** The must tier needs only the JPEG codec; WebP and PNG steps are benchmark-only. */
const codecs: AttackCodecs = {
  jpeg: jpegRoundTrip,
  webp: null,
  png: () => Promise.reject(new Error("no PNG step in the must tier")),
};

const originals = new Map<string, RgbaImage>();
const marked = new Map<string, RgbaImage>();

beforeAll(async () => {
  for (const [name, bytes] of Object.entries(FILES)) {
    const image = await decodeImage(new Uint8Array(bytes));
    originals.set(name, image);
    marked.set(name, embedWatermark(image, KEY, idFor(name)));
  }
}, 120_000);

const get = (map: Map<string, RgbaImage>, name: string) => {
  const image = map.get(name);
  if (!image) throw new Error(`${name} was not loaded`);
  return image;
};

describe("watermark round trip", () => {
  for (const name of NAMES)
    it(`reads back the ID embedded in ${name}`, { timeout: 15_000 }, () => {
      const found = detectWatermark(get(marked, name), KEY);
      expect(found?.payloadId).toBe(idFor(name));
      expect(found?.rawBitErrorRate).toBeLessThan(0.2);
    });

  it("keeps every image above the quality floor (PSNR ≥ 36 dB, mean ≥ 38 dB, luma SSIM ≥ 0.97)", {
    timeout: 30_000,
  }, () => {
    const floor = protocol.quality_floor;
    const psnrs = NAMES.map((name) => {
      const psnr = psnrRgb(get(originals, name), get(marked, name));
      expect(psnr, name).toBeGreaterThanOrEqual(floor.psnr_rgb_db_per_image_min);
      expect(ssimLuma(get(originals, name), get(marked, name)), name).toBeGreaterThanOrEqual(
        floor.ssim_y_min,
      );
      return psnr;
    });
    expect(psnrs.reduce((a, b) => a + b, 0) / psnrs.length).toBeGreaterThanOrEqual(
      floor.psnr_rgb_db_mean_min,
    );
  });

  it("reports no watermark on unmarked images", { timeout: 30_000 }, () => {
    for (const name of NAMES) expect(detectWatermark(get(originals, name), KEY), name).toBeNull();
  });

  it("reports no watermark when read with another tenant's key", { timeout: 30_000 }, () => {
    for (const name of NAMES) expect(detectWatermark(get(marked, name), OTHER_KEY), name).toBeNull();
  });

  it("reads a mark made with another key only with that key", { timeout: 15_000 }, () => {
    const other = embedWatermark(get(originals, "rocket"), OTHER_KEY, 7n);
    expect(detectWatermark(other, OTHER_KEY)?.payloadId).toBe(7n);
    expect(detectWatermark(other, KEY)).toBeNull();
  });
});

/**
 * Every must-tier attack of testdata/watermark/attacks.json, with the file's parameters, on two
 * images: astronaut (the hardest picture: busy, and only 2 × 2 tiles) and one of the others in
 * turn, coffee taking the 90% centre crop. Then the two should-tier distortions only the second
 * search stage follows: the aspect change on astronaut and chelsea, the 2° rotation on chelsea and
 * storm (astronaut reads rotated at a raw BER near the code's limit, so whether it decodes depends
 * on the key and ID; the benchmark reports it). The same attack on the first image's unmarked
 * original must read as no mark. (`npm run bench:watermark` runs every attack on every image.)
 */
const MUST = protocol.attacks.filter((a) => a.tier === "must" && a.steps.length > 0);
const OTHERS = NAMES.filter((name) => name !== "astronaut");
const secondFor = (id: string, index: number) =>
  id === "center_crop_0.9" ? "coffee" : (OTHERS[index % OTHERS.length] as string);
const DISTORTIONS: Record<string, [string, string]> = {
  "aspect_0.9h": ["astronaut", "chelsea"],
  rotate_2: ["chelsea", "storm"],
};
const distorted = protocol.attacks.filter((a) => a.id in DISTORTIONS);

const attackCases = [
  ...MUST.map((attack, index) => ({ attack, images: ["astronaut", secondFor(attack.id, index)] })),
  ...distorted.map((attack) => ({ attack, images: DISTORTIONS[attack.id] as string[] })),
];

describe("watermark under attack", () => {
  it("covers both distortions of the second search stage", () => {
    expect(distorted.map((a) => a.id).sort()).toEqual(Object.keys(DISTORTIONS).sort());
  });

  for (const { attack, images } of attackCases) {
    const steps = attack.steps as AttackStep[];
    for (const [index, name] of images.entries())
      it(`reads ${name} after ${attack.id} (${attack.tier})`, { timeout: 30_000 }, async () => {
        const source = get(marked, name);
        const attacked = await applySteps(source, steps, codecs, source);
        const found = detectWatermark(attacked, KEY);
        expect(found?.payloadId).toBe(idFor(name));
        if (attack.id === "rotate_2") expect(Math.abs(found?.geometry.rotationDeg ?? 0)).toBeCloseTo(2, 0);
        if (attack.id === "aspect_0.9h")
          expect(Math.max(found?.geometry.scaleX ?? 0, found?.geometry.scaleY ?? 0)).toBeCloseTo(1 / 0.9, 1);
        if (index === 0) {
          const original = get(originals, name);
          expect(detectWatermark(await applySteps(original, steps, codecs, original), KEY)).toBeNull();
        }
      });
  }
});
