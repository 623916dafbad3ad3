/**
 * The media benchmark worker (`npm run bench -- media`): times fingerprinting inside workerd, per
 * reference image (testdata/pdq), and the PDQ near-duplicate index. Run only by `npm run bench`.
 *
 * - `GET /bench/fingerprints?samples=N`: per image, decoding, PDQ (on the decoded pixels), our
 *   pHash, and the pHash of a JS peer from npm (jimp's `@jimp/plugin-hash`), in ms per run.
 * - `GET /bench/near-duplicates?items=&queries=`: multi-index search against a linear scan.
 */
import { createJimp } from "@jimp/core";
import { methods as jimpHash } from "@jimp/plugin-hash";
import img0 from "../../testdata/pdq/bridge-1-original.jpg";
import img1 from "../../testdata/pdq/bridge-blur-a-lot.jpg";
import img11 from "../../testdata/pdq/bridge-mode-1-bilevel.png";
import img2 from "../../testdata/pdq/bridge-shrink-a-lot.jpg";
import img3 from "../../testdata/pdq/bridge-square-128x128.jpg";
import img4 from "../../testdata/pdq/bridge-square-512x512.jpg";
import img5 from "../../testdata/pdq/labelme-q0003.jpg";
import img6 from "../../testdata/pdq/labelme-q0122.jpg";
import img7 from "../../testdata/pdq/labelme-q0291.jpg";
import img8 from "../../testdata/pdq/labelme-q2821.jpg";
import img9 from "../../testdata/pdq/misc-small.jpg";
import img10 from "../../testdata/pdq/misc-wee.jpg";
import img12 from "../../testdata/pdq/pen-and-coaster.png";
import { decodeImage } from "../../workers/media/src/fingerprint/decode";
import { pdqHash } from "../../workers/media/src/fingerprint/pdq";
import { phash } from "../../workers/media/src/fingerprint/phash";
import { benchNearDuplicates } from "../../workers/media/src/near-duplicates/bench";

const IMAGES: [string, ArrayBuffer][] = [
  ["bridge-1-original.jpg", img0],
  ["bridge-blur-a-lot.jpg", img1],
  ["bridge-shrink-a-lot.jpg", img2],
  ["bridge-square-128x128.jpg", img3],
  ["bridge-square-512x512.jpg", img4],
  ["labelme-q0003.jpg", img5],
  ["labelme-q0122.jpg", img6],
  ["labelme-q0291.jpg", img7],
  ["labelme-q2821.jpg", img8],
  ["misc-small.jpg", img9],
  ["misc-wee.jpg", img10],
  ["bridge-mode-1-bilevel.png", img11],
  ["pen-and-coaster.png", img12],
];

/** The peer: jimp with only its hash plugin. */
const Peer = createJimp({ plugins: [jimpHash] });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * The time of one run of `work`, in ms. workerd's clock moves in whole milliseconds, so each
 * sample repeats the work until at least MIN_SAMPLE_MS have passed; the figure is the median over
 * `samples` samples.
 */
const MIN_SAMPLE_MS = 40;

async function timed(samples: number, work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    let runs = 0;
    do {
      await work();
      runs++;
    } while (performance.now() - started < MIN_SAMPLE_MS);
    times.push((performance.now() - started) / runs);
  }
  return Math.round(median(times) * 1000) / 1000;
}

async function fingerprints(runs: number) {
  const rows = [];
  for (const [file, buffer] of IMAGES) {
    const bytes = new Uint8Array(buffer);
    const image = await decodeImage(bytes);
    const peer = Peer.fromBitmap({
      data: Buffer.from(image.data.buffer),
      width: image.width,
      height: image.height,
    });
    rows.push({
      file,
      type: image.type,
      width: image.width,
      height: image.height,
      decodeMs: await timed(runs, () => decodeImage(bytes)),
      pdqMs: await timed(runs, () => pdqHash(image)),
      phashMs: await timed(runs, () => phash(image)),
      peerPhashMs: await timed(runs, () => peer.pHash()),
    });
  }
  return rows;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const number = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
    if (url.pathname === "/bench/fingerprints")
      return Response.json(await fingerprints(number("samples", 5)));
    if (url.pathname === "/bench/near-duplicates") {
      const items = number("items", 1_000_000);
      return Response.json(benchNearDuplicates({ items, queries: number("queries", 500), seed: 7 }));
    }
    if (url.pathname === "/bench/ready") return Response.json({ ok: true });
    return new Response("not found", { status: 404 });
  },
};
