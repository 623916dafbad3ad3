import { applyPaletteSync, buildPaletteSync, utils } from "image-q";
import type { RgbaImage } from "../fingerprint/decode";
import { enlargeBlocks, fitLongSide, resizeArea } from "./resize";

/**
 * The teaser of locked content: what a fan who has not paid may see. A mosaic so coarse it reveals
 * nothing explicit — the picture averaged down to at most TEASER_CELLS cells on its long side, its
 * colours reduced to TEASER_COLOURS with image-q (no dithering, so no fine texture survives), then
 * enlarged by whole blocks for display.
 */
export const TEASER_CELLS = 12;
export const TEASER_COLOURS = 8;
/** Each mosaic cell is this many pixels square in the teaser. */
export const TEASER_BLOCK = 32;

export function makeTeaser(image: RgbaImage): RgbaImage {
  const cells = fitLongSide(image.width, image.height, TEASER_CELLS);
  const averaged = resizeArea(image, cells.width, cells.height);
  const points = utils.PointContainer.fromUint8Array(averaged.data, averaged.width, averaged.height);
  const palette = buildPaletteSync([points], { colors: TEASER_COLOURS, paletteQuantization: "wuquant" });
  const reduced = applyPaletteSync(points, palette, { imageQuantization: "nearest" });
  const mosaic: RgbaImage = {
    width: averaged.width,
    height: averaged.height,
    data: new Uint8ClampedArray(reduced.toUint8Array()),
  };
  // Locked media is shown opaque: whatever alpha the original had, the teaser has none.
  for (let i = 3; i < mosaic.data.length; i += 4) mosaic.data[i] = 255;
  return enlargeBlocks(mosaic, TEASER_BLOCK);
}
