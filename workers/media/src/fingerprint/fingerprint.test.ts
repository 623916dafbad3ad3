import { describe, expect, it } from "vitest";
import img0 from "../../../../testdata/pdq/bridge-1-original.jpg";
import img1 from "../../../../testdata/pdq/bridge-blur-a-lot.jpg";
import img11 from "../../../../testdata/pdq/bridge-mode-1-bilevel.png";
import img2 from "../../../../testdata/pdq/bridge-shrink-a-lot.jpg";
import img3 from "../../../../testdata/pdq/bridge-square-128x128.jpg";
import img4 from "../../../../testdata/pdq/bridge-square-512x512.jpg";
import expected from "../../../../testdata/pdq/expected.json";
import img5 from "../../../../testdata/pdq/labelme-q0003.jpg";
import img6 from "../../../../testdata/pdq/labelme-q0122.jpg";
import img7 from "../../../../testdata/pdq/labelme-q0291.jpg";
import img8 from "../../../../testdata/pdq/labelme-q2821.jpg";
import img9 from "../../../../testdata/pdq/misc-small.jpg";
import img10 from "../../../../testdata/pdq/misc-wee.jpg";
import img12 from "../../../../testdata/pdq/pen-and-coaster.png";
import { decodeImage, ImageDecodeError } from "./decode";
import { hammingDistance } from "./hamming";
import { DIHEDRAL_TRANSFORMS, pdqHash } from "./pdq";
import { phash } from "./phash";

/** The reference images (testdata/pdq, from Meta's ThreatExchange), by file name. */
const FILES: Record<string, ArrayBuffer> = {
  "bridge-1-original.jpg": img0,
  "bridge-blur-a-lot.jpg": img1,
  "bridge-shrink-a-lot.jpg": img2,
  "bridge-square-128x128.jpg": img3,
  "bridge-square-512x512.jpg": img4,
  "labelme-q0003.jpg": img5,
  "labelme-q0122.jpg": img6,
  "labelme-q0291.jpg": img7,
  "labelme-q2821.jpg": img8,
  "misc-small.jpg": img9,
  "misc-wee.jpg": img10,
  "bridge-mode-1-bilevel.png": img11,
  "pen-and-coaster.png": img12,
};

type Reference = (typeof expected.images)[number];

async function fingerprint(reference: Reference) {
  const bytes = FILES[reference.file];
  if (!bytes) throw new Error(`no test image ${reference.file}`);
  const image = await decodeImage(new Uint8Array(bytes));
  return { image, pdq: pdqHash(image), phash: phash(image) };
}

describe("fingerprints against the reference implementations", () => {
  for (const reference of expected.images) {
    it(`${reference.file}: PDQ within 10 bits of Meta's C++ hash (quality ≥ 80), pHash within 4 bits of imagehash`, async () => {
      const { image, pdq, phash: ours } = await fingerprint(reference);
      expect([image.width, image.height]).toEqual([reference.width, reference.height]);
      expect(Math.abs(pdq.quality - reference.quality), "quality").toBeLessThanOrEqual(5);
      if (reference.quality >= 80) {
        expect(hammingDistance(pdq.hash, reference.pdq_hex), "pdq").toBeLessThanOrEqual(10);
        for (const transform of DIHEDRAL_TRANSFORMS) {
          const theirs = reference.pdq_dihedral_hex[transform];
          expect(hammingDistance(pdq.dihedral[transform], theirs), transform).toBeLessThanOrEqual(10);
        }
      }
      expect(hammingDistance(ours, reference.phash_hex), "phash").toBeLessThanOrEqual(4);
    });
  }

  it("matches the bridge photo's edits and not the unrelated images (distance 31)", async () => {
    const [original, ...others] = await Promise.all(expected.images.map(fingerprint));
    if (!original) throw new Error("no images");
    for (const [i, other] of others.entries()) {
      const reference = expected.images[i + 1] as Reference;
      if (reference.quality < 50) continue;
      const distance = hammingDistance(original.pdq.hash, other.pdq.hash);
      if (reference.file.startsWith("bridge-")) expect(distance, reference.file).toBeLessThanOrEqual(31);
      else expect(distance, reference.file).toBeGreaterThan(31);
    }
  });
});

describe("decoding", () => {
  const jpeg = new Uint8Array(FILES["bridge-square-128x128.jpg"] ?? new ArrayBuffer(0));

  it("refuses empty, unknown, truncated and corrupt files with a reason", async () => {
    await expect(decodeImage(new Uint8Array())).rejects.toThrow(/empty/);
    await expect(decodeImage(new TextEncoder().encode("GIF89a not ours"))).rejects.toThrow(ImageDecodeError);
    await expect(decodeImage(jpeg.subarray(0, 40))).rejects.toThrow(ImageDecodeError);
    const corrupt = jpeg.slice();
    corrupt.fill(0x00, 200, corrupt.length - 2);
    const outcome: { width: number } | Error = await decodeImage(corrupt).catch((error: Error) => error);
    // Either the codec refuses it, or it decodes garbage of the declared size; never a crash.
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(ImageDecodeError);
    else expect(outcome.width).toBe(128);
    // A good image still decodes after a codec failure.
    expect((await decodeImage(jpeg)).width).toBe(128);
  });

  it("refuses a header that claims huge dimensions before decoding (decompression bomb)", async () => {
    const png = new Uint8Array(FILES["pen-and-coaster.png"] ?? new ArrayBuffer(0)).slice(0, 64);
    const view = new DataView(png.buffer);
    view.setUint32(16, 60_000);
    view.setUint32(20, 60_000);
    await expect(decodeImage(png)).rejects.toThrow(/60000×60000/);
  });
});
