/**
 * One image of the watermark benchmark, run as its own process so images run in parallel:
 * `tsx bench/watermark/image-run.ts <file> <payload id>` prints one JSON document (an ImageResult)
 * on stdout and a progress line per attack on stderr. `run.ts` starts these and reports.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RgbaImage } from "../../workers/media/src/fingerprint/decode";
import {
  type AttackCodecs,
  applySteps,
  UnsupportedStep,
} from "../../workers/media/src/watermark/attack-steps";
import { psnrRgb, ssimLuma } from "../../workers/media/src/watermark/attacks";
import { detectWatermark } from "../../workers/media/src/watermark/detect";
import { embedWatermark } from "../../workers/media/src/watermark/embed";
import { decodeFile, jpegRoundTrip, pngRoundTrip, webpRoundTrip } from "./codecs";
import { BENCH_KEY, IMAGES, readProtocol, WRONG_KEY } from "./protocol";

export type Outcome = "pass" | "miss" | "wrong" | "skip";

export interface AttackResult {
  attack: string;
  outcome: Outcome;
  /** Raw (pre-ECC) bit error rate of the accepted read; null when nothing was accepted. */
  ber: number | null;
  /** Sync peak of the accepted read (σ of the correlation surface). */
  sync: number | null;
  detectMs: number;
  /** Time of the read of the attacked unmarked original (a read that finds no mark); null when not run. */
  noMarkMs: number | null;
  width: number;
  height: number;
  /** The same attack on the unmarked original was read as a mark (must never happen). */
  unmarkedFalseAccept: boolean;
  /** The attacked marked image read with another tenant's key gave an ID (must never happen). */
  wrongKeyFalseAccept: boolean;
  note?: string;
}

export interface ImageResult {
  image: string;
  width: number;
  height: number;
  psnr: number;
  ssim: number;
  embedMs: number;
  attacks: AttackResult[];
}

/** resize_0.25 applies only when the result keeps at least this many pixels on its short side. */
const MIN_THUMBNAIL_SHORT_SIDE = 128;

const codecs: AttackCodecs = { jpeg: jpegRoundTrip, webp: webpRoundTrip, png: pngRoundTrip };

async function main(): Promise<void> {
  const [file, idText] = process.argv.slice(2);
  if (!file || !idText) throw new Error("usage: image-run.ts <image file> <payload id>");
  const payloadId = BigInt(idText);
  const protocol = readProtocol();
  const only = process.env.WATERMARK_ATTACKS?.split(",");
  const checkUnmarked = process.env.WATERMARK_SKIP_UNMARKED !== "1";
  const original = await decodeFile(readFileSync(join(IMAGES, file)));

  // Warm the JIT on a small picture first, so the timing is the per-megapixel cost a running worker
  // sees, not a fresh process compiling the code (which adds ~0.1–0.2 s to the first call).
  embedWatermark(
    { width: 256, height: 192, data: new Uint8ClampedArray(256 * 192 * 4).map((_, i) => (i * 37) % 251) },
    WRONG_KEY,
    1n,
  );
  let start = performance.now();
  const marked = embedWatermark(original, BENCH_KEY, payloadId);
  const embedMs = performance.now() - start;
  const psnr = psnrRgb(original, marked);
  const ssim = ssimLuma(original, marked);
  const published = await jpegRoundTrip(marked, protocol.published_encoding.quality);
  const publishedOriginal = await jpegRoundTrip(original, protocol.published_encoding.quality);
  process.stderr.write(
    `${file}: ${original.width}×${original.height} PSNR ${psnr.toFixed(2)} dB, SSIM-Y ${ssim.toFixed(4)}, embed ${embedMs.toFixed(0)} ms\n`,
  );

  const attacks: AttackResult[] = [];
  for (const attack of protocol.attacks) {
    if (only && !only.includes(attack.id)) continue;
    const source = attack.from === "published" ? published : marked;
    let attacked: RgbaImage;
    try {
      attacked = await applySteps(source, attack.steps, codecs, marked);
    } catch (error) {
      if (!(error instanceof UnsupportedStep)) throw error;
      attacks.push(skipped(attack.id, error.message));
      continue;
    }
    if (attack.id === "resize_0.25" && Math.min(attacked.width, attacked.height) < MIN_THUMBNAIL_SHORT_SIDE) {
      attacks.push(skipped(attack.id, `short side under ${MIN_THUMBNAIL_SHORT_SIDE} px`));
      continue;
    }
    start = performance.now();
    const found = detectWatermark(attacked, BENCH_KEY);
    const detectMs = performance.now() - start;
    const outcome: Outcome = found === null ? "miss" : found.payloadId === payloadId ? "pass" : "wrong";
    const wrongKey = detectWatermark(attacked, WRONG_KEY);
    let unmarkedFalseAccept = false;
    let noMarkMs: number | null = null;
    if (checkUnmarked) {
      const unmarkedSource = attack.from === "published" ? publishedOriginal : original;
      const unmarked = await applySteps(unmarkedSource, attack.steps, codecs, original);
      start = performance.now();
      unmarkedFalseAccept = detectWatermark(unmarked, BENCH_KEY) !== null;
      noMarkMs = performance.now() - start;
    }
    const result: AttackResult = {
      attack: attack.id,
      outcome,
      ber: found?.rawBitErrorRate ?? null,
      sync: found?.syncStrength ?? null,
      detectMs,
      noMarkMs,
      width: attacked.width,
      height: attacked.height,
      unmarkedFalseAccept,
      wrongKeyFalseAccept: wrongKey !== null,
    };
    attacks.push(result);
    process.stderr.write(
      `  ${file} ${attack.id}: ${outcome}${found ? ` (BER ${found.rawBitErrorRate.toFixed(3)})` : ""} ${detectMs.toFixed(0)} ms${unmarkedFalseAccept ? " UNMARKED FALSE ACCEPT" : ""}${wrongKey ? " WRONG-KEY FALSE ACCEPT" : ""}\n`,
    );
  }
  const result: ImageResult = {
    image: file,
    width: original.width,
    height: original.height,
    psnr,
    ssim,
    embedMs,
    attacks,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function skipped(attack: string, note: string): AttackResult {
  return {
    attack,
    outcome: "skip",
    ber: null,
    sync: null,
    detectMs: 0,
    noMarkMs: null,
    width: 0,
    height: 0,
    unmarkedFalseAccept: false,
    wrongKeyFalseAccept: false,
    note,
  };
}

await main();
