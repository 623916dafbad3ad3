import { TILE, type TileLayout } from "./layout";

/** Per-cell amplitude of the tile: the pilot value on pilot cells, chip × (±1 bit) on data cells. */
export function tileValues(layout: TileLayout, coded: Uint8Array | null): Float32Array {
  const values = new Float32Array(TILE * TILE);
  for (let c = 0; c < values.length; c++) {
    const bit = layout.bitOf[c] ?? -1;
    const chip = layout.chip[c] ?? 0;
    if (bit < 0) values[c] = chip;
    else values[c] = coded ? chip * ((coded[bit] ?? 0) ? 1 : -1) : 0;
  }
  return values;
}

/**
 * The tile's value at continuous cell coordinates (u, v): bilinear between cell centres (cell i
 * spans [i, i + 1), its centre is i + ½), wrapping around the tile. The smooth ramp keeps the
 * mark's energy in low spatial frequencies, which JPEG, blur and downscaling leave alone.
 */
export function sampleTile(values: Float32Array, u: number, v: number): number {
  const uu = u - 0.5;
  const vv = v - 0.5;
  const i0 = Math.floor(uu);
  const j0 = Math.floor(vv);
  const fu = uu - i0;
  const fv = vv - j0;
  const x0 = ((i0 % TILE) + TILE) % TILE;
  const y0 = ((j0 % TILE) + TILE) % TILE;
  const x1 = (x0 + 1) % TILE;
  const y1 = (y0 + 1) % TILE;
  const a = values[y0 * TILE + x0] ?? 0;
  const b = values[y0 * TILE + x1] ?? 0;
  const c = values[y1 * TILE + x0] ?? 0;
  const d = values[y1 * TILE + x1] ?? 0;
  return (a * (1 - fu) + b * fu) * (1 - fv) + (c * (1 - fu) + d * fu) * fv;
}
