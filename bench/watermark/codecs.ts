/**
 * The jSquash WASM codecs in Node. Inside workerd the .wasm files are imported as modules
 * (`../../workers/media/src/fingerprint/decode.ts`); here they are read from node_modules and compiled
 * once, then handed to the same `init` functions, so the benchmark runs the very codecs the worker does.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import decodeJpeg, { init as initJpegDecoder } from "@jsquash/jpeg/decode";
import encodeJpeg, { init as initJpegEncoder } from "@jsquash/jpeg/encode";
import decodePng, { init as initPngDecoder } from "@jsquash/png/decode";
import encodePng, { init as initPngEncoder } from "@jsquash/png/encode";
import decodeWebp, { init as initWebpDecoder } from "@jsquash/webp/decode";
import encodeWebp, { init as initWebpEncoder } from "@jsquash/webp/encode";
import type { RgbaImage } from "../../workers/media/src/fingerprint/decode";
import { JPEG_ATTACK_OPTIONS } from "../../workers/media/src/watermark/attacks";

const require = createRequire(import.meta.url);
const compile = (specifier: string): Promise<WebAssembly.Module> =>
  WebAssembly.compile(readFileSync(require.resolve(specifier)));

type Init = (module: WebAssembly.Module) => Promise<unknown>;
type Encoder = (image: RgbaImage, options: Record<string, number | boolean>) => Promise<ArrayBuffer>;

let ready: Promise<unknown> | undefined;

/** Compiles and initialises every codec once. */
export function initCodecs(): Promise<unknown> {
  ready ??= Promise.all([
    compile("@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm").then((m) => (initJpegDecoder as Init)(m)),
    compile("@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm").then((m) => (initJpegEncoder as Init)(m)),
    compile("@jsquash/png/codec/pkg/squoosh_png_bg.wasm").then((m) =>
      Promise.all([(initPngDecoder as Init)(m), (initPngEncoder as Init)(m)]),
    ),
    compile("@jsquash/webp/codec/dec/webp_dec.wasm").then((m) => (initWebpDecoder as Init)(m)),
    // The encoder picks its SIMD build when the runtime has SIMD (Node 22 has).
    compile("@jsquash/webp/codec/enc/webp_enc_simd.wasm").then((m) => (initWebpEncoder as Init)(m)),
  ]);
  return ready;
}

const pixels = (image: { width: number; height: number; data: Uint8ClampedArray }): RgbaImage => ({
  width: image.width,
  height: image.height,
  data: image.data,
});

/** Decodes a JPEG, PNG or WebP file by its magic bytes. */
export async function decodeFile(bytes: Uint8Array): Promise<RgbaImage> {
  await initCodecs();
  const buffer = bytes.slice().buffer;
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return pixels(await decodeJpeg(buffer));
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return pixels(await decodePng(buffer));
  return pixels(await decodeWebp(buffer));
}

/** JPEG at `quality`, 4:2:0, standard tables (the encoding `jpeg-attack.ts` uses in workerd), decoded again. */
export async function jpegRoundTrip(image: RgbaImage, quality: number): Promise<RgbaImage> {
  await initCodecs();
  const bytes = await (encodeJpeg as unknown as Encoder)(image, { ...JPEG_ATTACK_OPTIONS, quality });
  return pixels(await decodeJpeg(bytes));
}

/** Lossy WebP at `quality` (libwebp defaults otherwise), decoded again. */
export async function webpRoundTrip(image: RgbaImage, quality: number): Promise<RgbaImage> {
  await initCodecs();
  const bytes = await (encodeWebp as unknown as Encoder)(image, { quality });
  return pixels(await decodeWebp(bytes));
}

/** PNG (lossless) round trip: a screenshot saved as PNG. */
export async function pngRoundTrip(image: RgbaImage): Promise<RgbaImage> {
  await initCodecs();
  const bytes = await (encodePng as unknown as (image: RgbaImage) => Promise<ArrayBuffer>)(image);
  return pixels(await decodePng(bytes));
}
