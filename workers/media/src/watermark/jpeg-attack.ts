import JPEG_ENCODER_WASM from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm";
import encodeJpegPixels, { init as initJpegEncoder } from "@jsquash/jpeg/encode";
import { decodeImage, type RgbaImage } from "../fingerprint/decode";
import { JPEG_ATTACK_OPTIONS } from "./attacks";

/** The encoder reads the DOM's ImageData shape (width, height, RGBA bytes), which RgbaImage has. */
const encodePixels = encodeJpegPixels as unknown as (
  image: RgbaImage,
  options: Record<string, number | boolean>,
) => Promise<ArrayBuffer>;

let ready: Promise<void> | undefined;

/**
 * A JPEG re-encode at `quality` with 4:2:0 chroma and the standard (Annex K, libjpeg/Pillow)
 * quantisation tables, decoded again: the attack the benchmark's `jpeg` step describes.
 */
export async function jpegRoundTrip(image: RgbaImage, quality: number): Promise<RgbaImage> {
  ready ??= (initJpegEncoder as unknown as (module: WebAssembly.Module) => Promise<void>)(JPEG_ENCODER_WASM);
  await ready;
  const bytes = await encodePixels(image, { ...JPEG_ATTACK_OPTIONS, quality });
  const decoded = await decodeImage(new Uint8Array(bytes));
  return { width: decoded.width, height: decoded.height, data: decoded.data };
}
