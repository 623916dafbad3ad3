import { crc16 } from "./crc16";

/** Bits in the payload ID, and in ID + checksum (what the convolutional code carries). */
export const ID_BITS = 64;
export const INFO_BITS = ID_BITS + 16;

const MAX_ID = (1n << 64n) - 1n;

/** The ID as 8 bytes, most significant first. */
function idBytes(id: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, id);
  return bytes;
}

/**
 * The 80 information bits: the 64-bit ID, most significant bit first, then CRC-16 of its 8
 * big-endian bytes xored with a key-derived mask (so a mark made under another key fails the check
 * even in the unlikely case that its bits line up), most significant bit first.
 */
export function payloadBits(id: bigint, crcMask: number): Uint8Array {
  if (id < 0n || id > MAX_ID) throw new RangeError("the payload ID must be an unsigned 64-bit integer");
  const bits = new Uint8Array(INFO_BITS);
  for (let i = 0; i < ID_BITS; i++) bits[i] = Number((id >> BigInt(ID_BITS - 1 - i)) & 1n);
  const check = crc16(idBytes(id)) ^ crcMask;
  for (let i = 0; i < 16; i++) bits[ID_BITS + i] = (check >> (15 - i)) & 1;
  return bits;
}

/** The ID carried by `bits` when its checksum verifies, otherwise null. */
export function readPayload(bits: Uint8Array, crcMask: number): bigint | null {
  if (bits.length !== INFO_BITS) return null;
  let id = 0n;
  for (let i = 0; i < ID_BITS; i++) id = (id << 1n) | BigInt(bits[i] ?? 0);
  let check = 0;
  for (let i = 0; i < 16; i++) check = (check << 1) | (bits[ID_BITS + i] ?? 0);
  return (crc16(idBytes(id)) ^ crcMask) === check ? id : null;
}
