import type { RgbaImage } from "../fingerprint/decode";
import { fitLongSide, resizeArea } from "./resize";

/**
 * Thumbnail sizes, by the longer side in pixels: `small` for grids and notifications, `medium` for
 * feeds on phones. A source smaller than a size is kept at its own size, never enlarged.
 */
export const THUMBNAIL_SIZES = { small: 240, medium: 720 } as const;
export type ThumbnailSize = keyof typeof THUMBNAIL_SIZES;

export function makeThumbnail(image: RgbaImage, size: ThumbnailSize): RgbaImage {
  const target = fitLongSide(image.width, image.height, THUMBNAIL_SIZES[size]);
  if (target.width === image.width && target.height === image.height) return image;
  return resizeArea(image, target.width, target.height);
}
