/**
 * The media benchmarks (`media`), run by `npm run bench` on their own worker (bench/media):
 *
 * - fingerprints: per reference image (testdata/pdq), decode, PDQ and pHash times inside workerd,
 *   and jimp's pHash (`@jimp/plugin-hash`) as the JS peer. Targets: PDQ (excluding decode) ≤ 0.5×
 *   the image's decode, per image; our pHash faster than the peer's on every image.
 * - near-duplicates: 1M synthetic PDQ hashes, multi-index search against a linear scan in the same
 *   run. Targets: recall 1.0 at distance ≤ 31 and ≥ 5× faster than the scan.
 */
import { type DevServer, httpRequest } from "../scripts/stack";
import { startBenchWorker } from "./auth";

export const PDQ_VS_DECODE_TARGET = 0.5;
export const NEAR_DUPLICATE_SPEEDUP_TARGET = 5;

interface FingerprintRow {
  file: string;
  type: string;
  width: number;
  height: number;
  decodeMs: number;
  pdqMs: number;
  phashMs: number;
  peerPhashMs: number;
}

interface NearDuplicateReport {
  items: number;
  queries: number;
  mih: { p50Ms: number; p99Ms: number; meanMs: number };
  linear: { p50Ms: number; p99Ms: number; meanMs: number };
  speedup: number;
  coldSpeedup: number;
  recall: number;
  falsePositives: number;
  buildMs: number;
}

export function startMediaBench(logFile: string): Promise<DevServer & { port: number }> {
  return startBenchWorker({
    config: "bench/media/wrangler.toml",
    logFile,
    ready: { host: "localhost", path: "/bench/ready" },
  });
}

async function getJson<T>(port: number, path: string): Promise<T> {
  const response = await httpRequest({ port, host: "localhost", path, timeoutMs: 600_000 });
  if (response.status !== 200)
    throw new Error(`${path} answered ${response.status}: ${response.body.slice(0, 500)}`);
  return JSON.parse(response.body) as T;
}

const round = (n: number) => Math.round(n * 100) / 100;

export async function benchMedia(port: number, log: (line: string) => void) {
  log("[bench] media: fingerprint timings per reference image");
  const rows = await getJson<FingerprintRow[]>(port, "/bench/fingerprints?samples=5");
  const images = rows.map((row) => ({
    ...row,
    pdqVsDecode: round(row.pdqMs / row.decodeMs),
    phashVsPeer: round(row.phashMs / row.peerPhashMs),
  }));
  log("[bench] media: 1,000,000 PDQ hashes, multi-index against a linear scan");
  const nearDuplicates = await getJson<NearDuplicateReport>(
    port,
    "/bench/near-duplicates?items=1000000&queries=300",
  );
  const pdqMisses = images
    .filter((image) => image.pdqVsDecode > PDQ_VS_DECODE_TARGET)
    .map((image) => image.file);
  const phashMisses = images.filter((image) => image.phashVsPeer >= 1).map((image) => image.file);
  const nearDuplicatesPass =
    nearDuplicates.recall === 1 &&
    nearDuplicates.falsePositives === 0 &&
    Math.min(nearDuplicates.speedup, nearDuplicates.coldSpeedup) >= NEAR_DUPLICATE_SPEEDUP_TARGET;
  return {
    scenario: "media",
    images,
    pdqVsDecode: { target: PDQ_VS_DECODE_TARGET, misses: pdqMisses },
    phashVsPeer: { peer: "@jimp/plugin-hash pHash", misses: phashMisses },
    nearDuplicates: { ...nearDuplicates, target: NEAR_DUPLICATE_SPEEDUP_TARGET, pass: nearDuplicatesPass },
    pass: pdqMisses.length === 0 && phashMisses.length === 0 && nearDuplicatesPass,
  };
}
