import { hmacSha256 } from "./key-stream";

/** Bits in the payload ID, in its authentication tag, and in both (what the convolutional code carries). */
export const ID_BITS = 64;
export const TAG_BITS = 32;
export const INFO_BITS = ID_BITS + TAG_BITS;

const MAX_ID = (1n << 64n) - 1n;

/** The ID as 8 bytes, most significant first. */
function idBytes(id: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, id);
  return bytes;
}

/**
 * The 32-bit tag of an ID: the first 4 bytes of HMAC-SHA-256 under the tenant's tag key. Being a
 * keyed pseudo-random function (not a linear checksum like a CRC), it matches a word that was not
 * written with this key with probability 2^-32 whatever the word is: noise decoded from an
 * unmarked picture, a mis-corrected word from a real mark, or a mark made with another tenant's key.
 */
export function payloadTag(id: bigint, tagKey: Uint8Array): number {
  const mac = hmacSha256(tagKey, idBytes(id));
  return new DataView(mac.buffer).getUint32(0);
}

/** The 96 information bits: the 64-bit ID then its 32-bit tag, each most significant bit first. */
export function payloadBits(id: bigint, tagKey: Uint8Array): Uint8Array {
  if (id < 0n || id > MAX_ID) throw new RangeError("the payload ID must be an unsigned 64-bit integer");
  const bits = new Uint8Array(INFO_BITS);
  for (let i = 0; i < ID_BITS; i++) bits[i] = Number((id >> BigInt(ID_BITS - 1 - i)) & 1n);
  const tag = payloadTag(id, tagKey);
  for (let i = 0; i < TAG_BITS; i++) bits[ID_BITS + i] = (tag >>> (TAG_BITS - 1 - i)) & 1;
  return bits;
}

/** The ID carried by `bits` when its tag verifies under `tagKey`, otherwise null. */
export function readPayload(bits: Uint8Array, tagKey: Uint8Array): bigint | null {
  if (bits.length !== INFO_BITS) return null;
  let id = 0n;
  for (let i = 0; i < ID_BITS; i++) id = (id << 1n) | BigInt(bits[i] ?? 0);
  let tag = 0;
  for (let i = 0; i < TAG_BITS; i++) tag = ((tag << 1) | (bits[ID_BITS + i] ?? 0)) >>> 0;
  return payloadTag(id, tagKey) === tag ? id : null;
}
