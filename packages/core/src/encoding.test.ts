import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url, toHex } from "./encoding";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("encodings", () => {
  it("writes RFC 4648's base64 test vectors in the URL alphabet without padding", () => {
    expect(["", "f", "fo", "foo", "foob", "fooba", "foobar"].map((t) => toBase64Url(bytes(t)))).toEqual([
      "",
      "Zg",
      "Zm8",
      "Zm9v",
      "Zm9vYg",
      "Zm9vYmE",
      "Zm9vYmFy",
    ]);
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
  });

  it("reads back what it writes", () => {
    const random = crypto.getRandomValues(new Uint8Array(33));
    expect(fromBase64Url(toBase64Url(random))).toEqual(random);
  });

  it("writes lower-case hex", () => {
    expect(toHex(new Uint8Array([0, 15, 16, 255]))).toBe("000f10ff");
  });
});
