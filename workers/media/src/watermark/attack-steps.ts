/**
 * Runs the steps of an attack from testdata/watermark/attacks.json on decoded pixels. The codecs are
 * passed in because they are WASM loaded differently in workerd (module imports) and in Node (the
 * benchmark compiles them from node_modules); everything else is in `attacks.ts`.
 */
import type { RgbaImage } from "../fingerprint/decode";
import {
  brightness,
  centerCrop,
  contrast,
  crop,
  cropPx,
  gamma,
  gaussianBlurRgba,
  gaussianNoise,
  hflip,
  padPx,
  type ResizeFilter,
  resize,
  resizeLongSide,
  resizeTo,
  resizeXY,
  rotate,
  saturation,
  unsharpMask,
} from "./attacks";

/** One step as the file writes it: an `op` and its parameters. */
export interface AttackStep {
  op: string;
  [parameter: string]: unknown;
}

export interface AttackCodecs {
  jpeg(image: RgbaImage, quality: number): Promise<RgbaImage>;
  /** Null when no WebP encoder is available (the file says to skip the attack then). */
  webp: ((image: RgbaImage, quality: number) => Promise<RgbaImage>) | null;
  png(image: RgbaImage): Promise<RgbaImage>;
}

/** Thrown for a step that cannot run here (unknown op, or WebP without an encoder). */
export class UnsupportedStep extends Error {}

const num = (step: AttackStep, name: string, fallback?: number): number => {
  const value = step[name] ?? fallback;
  if (typeof value !== "number") throw new UnsupportedStep(`step ${step.op} needs a numeric ${name}`);
  return value;
};
const filterOf = (step: AttackStep, fallback: ResizeFilter): ResizeFilter => {
  const value = step.filter ?? fallback;
  if (value !== "area" && value !== "bilinear" && value !== "bicubic")
    throw new UnsupportedStep(`unknown resize filter ${String(value)}`);
  return value;
};
const fillOf = (step: AttackStep): number[] =>
  Array.isArray(step.fill) ? step.fill.map((v) => Number(v)) : [0, 0, 0];

/**
 * Applies `steps` in order. `original` is the size `resize_to_original` restores (the marked image's
 * size, before the attack).
 */
export async function applySteps(
  image: RgbaImage,
  steps: readonly AttackStep[],
  codecs: AttackCodecs,
  original: { width: number; height: number } = image,
): Promise<RgbaImage> {
  let out = image;
  for (const step of steps) out = await applyStep(out, step, codecs, original);
  return out;
}

async function applyStep(
  image: RgbaImage,
  step: AttackStep,
  codecs: AttackCodecs,
  original: { width: number; height: number },
): Promise<RgbaImage> {
  switch (step.op) {
    case "jpeg":
      return codecs.jpeg(image, num(step, "quality"));
    case "webp":
      if (!codecs.webp) throw new UnsupportedStep("no WebP encoder");
      return codecs.webp(image, num(step, "quality"));
    case "png":
      return codecs.png(image);
    case "resize":
      return resize(image, num(step, "scale"), filterOf(step, "bicubic"));
    case "resize_to_original":
      return resizeTo(image, original.width, original.height, filterOf(step, "bicubic"));
    case "resize_xy":
      return resizeXY(image, num(step, "sx", 1), num(step, "sy", 1), filterOf(step, "bicubic"));
    case "resize_long_side":
      return resizeLongSide(
        image,
        num(step, "pixels"),
        filterOf(step, "bicubic"),
        step.only_if_larger === true,
      );
    case "center_crop":
      return centerCrop(image, num(step, "keep_w"), num(step, "keep_h"));
    case "crop":
      return crop(image, num(step, "x0"), num(step, "y0"), num(step, "keep_w"), num(step, "keep_h"));
    case "crop_px":
      return cropPx(
        image,
        num(step, "left", 0),
        num(step, "top", 0),
        num(step, "right", 0),
        num(step, "bottom", 0),
      );
    case "pad_px":
      return padPx(
        image,
        num(step, "left", 0),
        num(step, "top", 0),
        num(step, "right", 0),
        num(step, "bottom", 0),
        fillOf(step),
      );
    case "brightness":
      return brightness(image, num(step, "factor"));
    case "contrast":
      return contrast(image, num(step, "factor"));
    case "saturation":
      return saturation(image, num(step, "factor"));
    case "gamma":
      return gamma(image, num(step, "gamma"));
    case "gaussian_blur":
      return gaussianBlurRgba(image, num(step, "sigma"));
    case "gaussian_noise":
      return gaussianNoise(image, num(step, "sigma"), num(step, "seed", 0));
    case "unsharp_mask":
      return unsharpMask(image, num(step, "radius"), num(step, "percent", 100), num(step, "threshold", 0));
    case "rotate":
      return rotate(image, num(step, "degrees"), fillOf(step));
    case "hflip":
      return hflip(image);
    default:
      throw new UnsupportedStep(`unknown op ${step.op}`);
  }
}
