import { describe, expect, it } from "vitest";
import { hmacSha256, sha256 } from "./key-stream";
import { tileLayout } from "./layout";
import { ID_BITS, INFO_BITS, payloadBits, payloadTag, readPayload, TAG_BITS } from "./payload";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const text = (s: string) => new TextEncoder().encode(s);

describe("sha256", () => {
  it("matches the FIPS 180-4 test vectors", () => {
    expect(hex(sha256(text("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    expect(hex(sha256(new Uint8Array()))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });
});

describe("hmacSha256", () => {
  it("matches the RFC 4231 test vectors (short key, and a key longer than the block)", () => {
    expect(hex(hmacSha256(new Uint8Array(20).fill(0x0b), text("Hi There")))).toBe(
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    );
    expect(hex(hmacSha256(text("Jefe"), text("what do ya want for nothing?")))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(
      hex(
        hmacSha256(
          new Uint8Array(131).fill(0xaa),
          text("Test Using Larger Than Block-Size Key - Hash Key First"),
        ),
      ),
    ).toBe("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  });
});

describe("payload bits", () => {
  const tagKey = tileLayout(text("tenant key: girlfanz")).tagKey;
  const otherTagKey = tileLayout(text("tenant key: pupfanz")).tagKey;

  it("carries the ID most significant bit first, then its 32-bit tag", () => {
    const id = 0x8000000000000001n;
    const bits = payloadBits(id, tagKey);
    expect(bits.length).toBe(INFO_BITS);
    expect(INFO_BITS).toBe(ID_BITS + TAG_BITS);
    expect(bits[0]).toBe(1);
    expect(bits.slice(1, 63).every((b) => b === 0)).toBe(true);
    expect(bits[63]).toBe(1);
    let tag = 0;
    for (let i = 0; i < TAG_BITS; i++) tag = ((tag << 1) | (bits[ID_BITS + i] ?? 0)) >>> 0;
    expect(tag).toBe(payloadTag(id, tagKey));
    expect(readPayload(bits, tagKey)).toBe(id);
  });

  it("refuses every single-bit corruption and a word made under another tenant's key", () => {
    const bits = payloadBits(0xdeadbeefcafef00dn, tagKey);
    expect(readPayload(bits, tagKey)).toBe(0xdeadbeefcafef00dn);
    expect(readPayload(bits, otherTagKey)).toBeNull();
    for (let i = 0; i < INFO_BITS; i++) {
      const flipped = bits.slice();
      flipped[i] = (flipped[i] ?? 0) ^ 1;
      expect(readPayload(flipped, tagKey), `bit ${i}`).toBeNull();
    }
  });

  it("gives unrelated tags to neighbouring IDs and to other keys", () => {
    const tags = new Set<number>();
    for (let id = 0n; id < 256n; id++) tags.add(payloadTag(id, tagKey));
    expect(tags.size).toBe(256);
    expect(payloadTag(42n, tagKey)).not.toBe(payloadTag(42n, otherTagKey));
  });

  it("rejects IDs outside 64 bits", () => {
    expect(() => payloadBits(1n << 64n, tagKey)).toThrow(RangeError);
    expect(() => payloadBits(-1n, tagKey)).toThrow(RangeError);
  });
});
