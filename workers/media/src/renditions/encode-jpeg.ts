import JPEG_ENCODER_WASM from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm";
import encodeJpegPixels, { init as initJpegEncoder } from "@jsquash/jpeg/encode";
import type { RgbaImage } from "../fingerprint/decode";

/** The encoder reads the DOM's ImageData shape (width, height, RGBA bytes), which RgbaImage has. */
const encodePixels = encodeJpegPixels as unknown as (
  image: RgbaImage,
  options: { quality: number; auto_subsample: boolean; chroma_subsample: number },
) => Promise<ArrayBuffer>;

let ready: Promise<void> | undefined;

/** The MozJPEG encoder, compiled once per isolate (workerd hands the .wasm import over as a module). */
function encoder(): Promise<void> {
  // The package types `init` with options only; at run time it also takes the compiled module first.
  ready ??= (initJpegEncoder as unknown as (module: WebAssembly.Module) => Promise<void>)(JPEG_ENCODER_WASM);
  return ready;
}

/**
 * A JPEG of the pixels as the platform serves images: progressive MozJPEG with 4:2:0 chroma
 * subsampling, at `quality` (1–100).
 */
export async function encodeJpeg(image: RgbaImage, quality: number): Promise<Uint8Array> {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new RangeError(`JPEG quality is an integer from 1 to 100, not ${quality}`);
  await encoder();
  return new Uint8Array(await encodePixels(image, { quality, auto_subsample: false, chroma_subsample: 2 }));
}
