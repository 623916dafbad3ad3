/**
 * The benchmark protocol (`../shared/testdata/watermark/attacks.json`): where it is, its shape, and
 * the values every run derives from it (the per-image payload IDs, the keys).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { AttackStep } from "../../workers/media/src/watermark/attack-steps";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The protocol folder: WATERMARK_TESTDATA if set; else the shared reference copy beside the repo
 * (`../shared/testdata/watermark`, which may hold more images than ours); else the repo's own copy
 * (`testdata/watermark`), so the bench runs from any clone.
 */
const SHARED = join(here, "../../../shared/testdata/watermark");
export const TESTDATA = resolve(
  process.env.WATERMARK_TESTDATA ??
    (existsSync(join(SHARED, "attacks.json")) ? SHARED : join(here, "../../testdata/watermark")),
);
export const IMAGES = join(TESTDATA, "images");

export type Tier = "must" | "should" | "stretch";

export interface Attack {
  id: string;
  tier: Tier;
  from: "marked" | "published";
  steps: AttackStep[];
  note?: string;
}

export interface Protocol {
  payload: { data_bits: number; seed: number };
  published_encoding: { format: string; quality: number; chroma_subsampling: string };
  quality_floor: { psnr_rgb_db_mean_min: number; psnr_rgb_db_per_image_min: number; ssim_y_min: number };
  attacks: Attack[];
  reference_numbers: string;
}

export function readProtocol(): Protocol {
  return JSON.parse(readFileSync(join(TESTDATA, "attacks.json"), "utf8")) as Protocol;
}

/** SplitMix64: the per-image IDs are the first outputs of a stream seeded with `payload.seed`. */
export function payloadIds(seed: number, count: number): bigint[] {
  const mask = (1n << 64n) - 1n;
  let state = BigInt(seed) & mask;
  const ids: bigint[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    ids.push(z ^ (z >> 31n));
  }
  return ids;
}

/** The tenant key the marks are made with, and another tenant's key that must read nothing. */
export const BENCH_KEY = new TextEncoder().encode("bench tenant key: girlfanz");
export const WRONG_KEY = new TextEncoder().encode("bench tenant key: pupfanz");

/**
 * The baseline the file quotes (invisible-watermark `dwtDctSvd`), as prose: its mean PSNR and the
 * number of must attacks it passes on every image are read out of the text, and the per-attack
 * verdicts it states are listed for the side-by-side table ("every" = passes on every image,
 * "k/6" = passes on k of the six images, "fails" = named as failing without a count).
 */
export function baseline(protocol: Protocol): {
  psnrMean: number | null;
  psnrMin: number | null;
  mustPassedOnEvery: number | null;
  perAttack: Record<string, string>;
} {
  const text = protocol.reference_numbers;
  const psnr = /PSNR about ([\d.]+) dB mean \(([\d.]+) min\)/.exec(text);
  const must = /passes on every image only .*?\((\d+) of the (\d+) must attacks\)/.exec(text);
  const count = (pattern: RegExp) => {
    const m = pattern.exec(text);
    return m ? `${m[1]}/6` : "fails";
  };
  return {
    psnrMean: psnr ? Number(psnr[1]) : null,
    psnrMin: psnr ? Number(psnr[2]) : null,
    mustPassedOnEvery: must ? Number(must[1]) : null,
    perAttack: {
      identity_lossless: "every",
      published_jpeg90: "every",
      gaussian_blur_s1: "every",
      "resize_0.5_restore": "every",
      jpeg75: count(/JPEG q75 \((\d)\/6\)/),
      jpeg50: count(/q50 \((\d)\/6\)/),
      "resize_0.5": "fails",
      "center_crop_0.9": "fails",
      "brightness_1.2": "fails",
      "brightness_0.8": "fails",
      "contrast_1.2": "fails",
      "contrast_0.8": "fails",
    },
  };
}
