import JPEG_WASM from "@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm";
import decodeJpeg, { init as initJpeg } from "@jsquash/jpeg/decode";
// @ts-expect-error: the package types this file as wasm-bindgen exports; workerd hands it over as a module.
import PNG_WASM from "@jsquash/png/codec/pkg/squoosh_png_bg.wasm";
import decodePng, { init as initPng } from "@jsquash/png/decode";
import WEBP_WASM from "@jsquash/webp/codec/dec/webp_dec.wasm";
import decodeWebp, { init as initWebp } from "@jsquash/webp/decode";
import { type ImageHeader, type ImageType, readImageHeader } from "./image-header";

/** Pixels as the hashers take them: RGBA, 8 bits per channel, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Larger images are refused before decoding (a 16k × 16k RGBA buffer is already 1 GiB). */
export const MAX_IMAGE_PIXELS = 40_000_000;
export const MAX_IMAGE_SIDE = 16_384;

/** Why an image cannot be fingerprinted; `reason` is safe to show the uploader. */
export class ImageDecodeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ImageDecodeError";
  }
}

let ready: Promise<unknown> | undefined;

/** The codecs, compiled once per isolate (workerd hands the .wasm imports over as modules). */
function codecs(): Promise<unknown> {
  ready ??= Promise.all([initJpeg(JPEG_WASM), initPng(PNG_WASM), initWebp(WEBP_WASM)]);
  return ready;
}

/** What the codecs answer: the DOM's ImageData shape. */
interface Decoded {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

const decoders: Record<ImageType, (buffer: ArrayBuffer) => Promise<Decoded>> = {
  "image/jpeg": (buffer) => decodeJpeg(buffer),
  "image/png": (buffer) => decodePng(buffer),
  "image/webp": (buffer) => decodeWebp(buffer),
};

/** The header of a file we may decode, or the reason we will not. */
export function checkImage(bytes: Uint8Array): ImageHeader {
  if (bytes.length === 0) throw new ImageDecodeError("the file is empty");
  const header = readImageHeader(bytes);
  if (!header) throw new ImageDecodeError("not a JPEG, PNG or WebP image, or its header is unreadable");
  if (
    header.width > MAX_IMAGE_SIDE ||
    header.height > MAX_IMAGE_SIDE ||
    header.width * header.height > MAX_IMAGE_PIXELS
  )
    throw new ImageDecodeError(
      `the image claims ${header.width}×${header.height} pixels; at most ${MAX_IMAGE_SIDE} per side and ${MAX_IMAGE_PIXELS.toLocaleString("en")} in all are decoded`,
    );
  return header;
}

/**
 * Decodes a JPEG, PNG or WebP inside the isolate (jSquash WASM codecs), by its real type. Whatever
 * a codec throws (emscripten throws non-Error values such as `ExitStatus`) becomes an
 * ImageDecodeError, and a result that does not match the header's size is refused.
 */
export async function decodeImage(bytes: Uint8Array): Promise<RgbaImage & { type: ImageType }> {
  const header = checkImage(bytes);
  await codecs();
  const copy = bytes.slice().buffer;
  let image: Decoded;
  try {
    image = await decoders[header.type](copy);
  } catch (error) {
    const detail = error instanceof Error ? error.message : "the decoder stopped";
    throw new ImageDecodeError(
      `the ${header.type.slice(6).toUpperCase()} data is corrupt or truncated (${detail})`,
    );
  }
  if (!image || image.width !== header.width || image.height !== header.height)
    throw new ImageDecodeError("the decoded image does not match its header");
  return { type: header.type, width: image.width, height: image.height, data: image.data };
}
