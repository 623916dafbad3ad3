import { describe, expect, it } from "vitest";
import { crc16 } from "./crc16";
import { sha256 } from "./key-stream";
import { INFO_BITS, payloadBits, readPayload } from "./payload";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("crc16", () => {
  it("matches the CRC-16/CCITT-FALSE check value", () => {
    expect(crc16(new TextEncoder().encode("123456789"))).toBe(0x29b1);
    expect(crc16(new Uint8Array())).toBe(0xffff);
  });
});

describe("sha256", () => {
  it("matches the FIPS 180-4 test vectors", () => {
    expect(hex(sha256(new TextEncoder().encode("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(
      hex(sha256(new TextEncoder().encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
    ).toBe("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    expect(hex(sha256(new Uint8Array()))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });
});

describe("payload bits", () => {
  it("carries the ID most significant bit first, then the masked checksum", () => {
    const bits = payloadBits(0x8000000000000001n, 0);
    expect(bits.length).toBe(INFO_BITS);
    expect(bits[0]).toBe(1);
    expect(bits.slice(1, 63).every((b) => b === 0)).toBe(true);
    expect(bits[63]).toBe(1);
    expect(readPayload(bits, 0)).toBe(0x8000000000000001n);
  });

  it("refuses a word whose checksum does not verify, or was made under another mask", () => {
    const bits = payloadBits(0xdeadbeefcafef00dn, 0x1234);
    expect(readPayload(bits, 0x1234)).toBe(0xdeadbeefcafef00dn);
    expect(readPayload(bits, 0x1235)).toBeNull();
    for (let i = 0; i < INFO_BITS; i++) {
      const flipped = bits.slice();
      flipped[i] = (flipped[i] ?? 0) ^ 1;
      expect(readPayload(flipped, 0x1234)).toBeNull();
    }
  });

  it("rejects IDs outside 64 bits", () => {
    expect(() => payloadBits(1n << 64n, 0)).toThrow(RangeError);
    expect(() => payloadBits(-1n, 0)).toThrow(RangeError);
  });
});
