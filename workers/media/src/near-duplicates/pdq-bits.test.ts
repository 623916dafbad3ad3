import { describe, expect, it } from "vitest";
import {
  assertRadius,
  isPdqHex,
  packedDistance,
  packedDistanceAtMost,
  packedPdqHash,
  packPdqHashes,
  parsePdqHex,
  pdqDistance,
  pdqHexFromWords,
  pdqWordsFromHex,
  popcount32,
  unpackPdqHash,
} from "./pdq-bits";
import { seededRandom, writeNeighbour, writeRandomHash } from "./synthetic";

const ZERO = "0".repeat(64);
const ONES = "f".repeat(64);

function randomHex(random: () => number): string {
  const packed = new Uint32Array(8);
  writeRandomHash(random, packed, 0);
  return pdqHexFromWords(unpackPdqHash(packed));
}

function naivePopcount(value: number): number {
  let count = 0;
  for (let bit = 0; bit < 32; bit++) if ((value >>> bit) & 1) count++;
  return count;
}

describe("PDQ hex and words", () => {
  it("reads the hex as 16 words, most significant (first in the hex) first", () => {
    const words = pdqWordsFromHex(`0123456789abcdef${"0".repeat(44)}fedc`);
    expect([...words.slice(0, 4)]).toEqual([0x0123, 0x4567, 0x89ab, 0xcdef]);
    expect(words[15]).toBe(0xfedc);
    expect([...pdqWordsFromHex(ZERO)]).toEqual(new Array(16).fill(0));
    expect([...pdqWordsFromHex(ONES)]).toEqual(new Array(16).fill(0xffff));
  });

  it("round-trips hex through words and through the packed 32-bit form", () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const hex = randomHex(random);
      expect(pdqHexFromWords(pdqWordsFromHex(hex))).toBe(hex);
      expect(pdqHexFromWords(unpackPdqHash(packedPdqHash(hex)))).toBe(hex);
    }
    const packed = packPdqHashes([ZERO, ONES, `${"0".repeat(56)}deadbeef`]);
    expect(packed.length).toBe(24);
    expect(packed[15]).toBe(0xffffffff);
    expect(packed[23]).toBe(0xdeadbeef);
    expect(pdqHexFromWords(unpackPdqHash(packed, 16))).toBe(`${"0".repeat(56)}deadbeef`);
  });

  it("accepts upper-case hex and writes lower case", () => {
    const hex = "ABCDEF0123456789".repeat(4);
    expect(isPdqHex(hex)).toBe(true);
    expect(pdqHexFromWords(pdqWordsFromHex(hex))).toBe(hex.toLowerCase());
  });

  it("refuses anything but 64 hex digits", () => {
    const refused = [
      "",
      "0".repeat(63),
      "0".repeat(65),
      `0x${"0".repeat(62)}`,
      `${"0".repeat(63)}g`,
      ` ${"0".repeat(63)}`,
      `${"0".repeat(63)}\n`,
      `${"0".repeat(32)}-${"0".repeat(31)}`,
      "０".repeat(64),
    ];
    for (const text of refused) {
      expect(isPdqHex(text)).toBe(false);
      expect(parsePdqHex(text)).toEqual({ ok: false, error: "not_pdq_hex" });
      expect(() => pdqWordsFromHex(text)).toThrow(TypeError);
      expect(() => pdqDistance(text, ZERO)).toThrow(TypeError);
    }
    expect(parsePdqHex(ZERO).ok).toBe(true);
  });

  it("refuses words that are not a Uint16Array of 16", () => {
    expect(() => pdqHexFromWords(new Uint16Array(15))).toThrow(TypeError);
    expect(() => packedPdqHash(new Uint16Array(17))).toThrow(TypeError);
    expect(() => packedPdqHash(new Uint32Array(16) as unknown as Uint16Array)).toThrow(TypeError);
  });
});

describe("PDQ distances", () => {
  it("counts bits like a bit-by-bit count", () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000000)).toBe(1);
    expect(popcount32(0x55555555)).toBe(16);
    const random = seededRandom(11);
    for (let i = 0; i < 1000; i++) {
      const value = random();
      expect(popcount32(value)).toBe(naivePopcount(value));
    }
  });

  it("is 0 between equal hashes and 256 between complements", () => {
    const random = seededRandom(3);
    for (let i = 0; i < 20; i++) {
      const hex = randomHex(random);
      const words = pdqWordsFromHex(hex);
      const complement = words.map((word) => ~word & 0xffff);
      expect(pdqDistance(hex, hex)).toBe(0);
      expect(pdqDistance(hex, words)).toBe(0);
      expect(pdqDistance(words, complement)).toBe(256);
    }
    expect(pdqDistance(ZERO, ONES)).toBe(256);
  });

  it("gives known distances", () => {
    expect(pdqDistance(ZERO, `f${"0".repeat(63)}`)).toBe(4);
    expect(pdqDistance(ZERO, `${"0".repeat(63)}1`)).toBe(1);
    expect(pdqDistance(ZERO, "8".repeat(64))).toBe(64);
    expect(pdqDistance("a".repeat(64), "5".repeat(64))).toBe(256);
    expect(pdqDistance(`${"0".repeat(32)}${"f".repeat(32)}`, `${"f".repeat(32)}${"0".repeat(32)}`)).toBe(256);
    expect(pdqDistance(`${"f".repeat(31)}e${"0".repeat(32)}`, ZERO)).toBe(127);
  });

  it("is exactly the number of bits flipped, and symmetric", () => {
    const random = seededRandom(5);
    const base = new Uint32Array(8);
    const other = new Uint32Array(8);
    for (let distance = 0; distance <= 256; distance++) {
      writeRandomHash(random, base, 0);
      writeNeighbour(random, base, 0, distance, other, 0);
      expect(pdqDistance(unpackPdqHash(base), unpackPdqHash(other))).toBe(distance);
      expect(pdqDistance(unpackPdqHash(other), unpackPdqHash(base))).toBe(distance);
    }
  });

  it("gives the exact distance up to a limit, and something above it beyond", () => {
    const random = seededRandom(13);
    const base = new Uint32Array(8);
    const other = new Uint32Array(8);
    for (let distance = 0; distance <= 256; distance += 3) {
      writeRandomHash(random, base, 0);
      writeNeighbour(random, base, 0, distance, other, 0);
      expect(packedDistance(other, 0, base)).toBe(distance);
      for (const limit of [0, 15, 31, 32, 64, 128, 255, 256]) {
        const bounded = packedDistanceAtMost(other, 0, base, limit);
        if (distance <= limit) expect(bounded).toBe(distance);
        else expect(bounded).toBeGreaterThan(limit);
      }
    }
  });

  it("takes search radii from 0 to 256 only", () => {
    for (const radius of [0, 31, 256]) expect(() => assertRadius(radius)).not.toThrow();
    for (const radius of [-1, 257, 3.5, Number.NaN]) expect(() => assertRadius(radius)).toThrow(RangeError);
  });
});
