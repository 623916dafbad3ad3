import { codedLength } from "./convolutional";
import { KeyStream, sha256 } from "./key-stream";
import { INFO_BITS } from "./payload";

/**
 * The tile: TILE × TILE cells repeated over the whole image. A cell is 1/CELLS_PER_SHORT_SIDE of
 * the image's short side, so the grid scales with the picture (a resize changes nothing in
 * image-relative units; only a crop does). A quarter of the cells are pilots (a known key-derived
 * ±1 pattern the detector uses to find scale and shift); the rest carry the coded bits, each bit
 * spread over about three cells scattered across the tile, each cell with its own key-derived sign.
 */
export const TILE = 32;
export const CELLS_PER_SHORT_SIDE = 64;
export const PILOT_CELLS = 256;
export const CODED_BITS = codedLength(INFO_BITS);

export interface TileLayout {
  /** Per cell: −1/+1 chip (pilots: the pilot value itself). */
  chip: Float32Array;
  /** Per cell: index of the coded bit it carries, or −1 for a pilot cell. */
  bitOf: Int16Array;
  /** Key for the payload's authentication tag (HMAC-SHA-256), separate from the pattern's stream. */
  tagKey: Uint8Array;
}

const cache = new Map<string, TileLayout>();

/** SHA-256(domain ‖ 0x00 ‖ key): independent sub-keys for independent uses of the tenant key. */
function derive(key: Uint8Array, domain: string): Uint8Array {
  const label = new TextEncoder().encode(`${domain}\u0000`);
  const input = new Uint8Array(label.length + key.length);
  input.set(label);
  input.set(key, label.length);
  return sha256(input);
}

export function tileLayout(key: Uint8Array): TileLayout {
  const id = Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("");
  const hit = cache.get(id);
  if (hit) return hit;
  const stream = new KeyStream(key, "fun-media-watermark-v2");
  const cells = TILE * TILE;
  const order = Array.from({ length: cells }, (_, i) => i);
  for (let i = cells - 1; i > 0; i--) {
    const j = stream.nextInt(i + 1);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const chip = new Float32Array(cells);
  const bitOf = new Int16Array(cells);
  order.forEach((cell, rank) => {
    chip[cell] = stream.nextSign();
    bitOf[cell] = rank < PILOT_CELLS ? -1 : (rank - PILOT_CELLS) % CODED_BITS;
  });
  const layout = { chip, bitOf, tagKey: derive(key, "fun-media-watermark-tag-v1") };
  if (cache.size > 64) cache.clear();
  cache.set(id, layout);
  return layout;
}
