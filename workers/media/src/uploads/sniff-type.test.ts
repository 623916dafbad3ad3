import { describe, expect, it } from "vitest";
import BRIDGE from "../../../../testdata/pdq/bridge-1-original.jpg";
import PEN from "../../../../testdata/pdq/pen-and-coaster.png";
import { declaredTypeMatches, mediaKind, sniffMediaType } from "./sniff-type";
import { fileOf, MAGIC } from "./uploads.testing";

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const ftyp = (brand: string) => fileOf(64, [0, 0, 0, 0x18, ...ascii(`ftyp${brand}`), 0, 0, 0, 0]);

describe("sniffing the real type from magic bytes", () => {
  it("knows real images by their bytes", () => {
    expect(sniffMediaType(new Uint8Array(BRIDGE))).toBe("image/jpeg");
    expect(sniffMediaType(new Uint8Array(PEN))).toBe("image/png");
    expect(sniffMediaType(fileOf(64, [...ascii("RIFF"), 0, 0, 0, 0, ...ascii("WEBPVP8 ")]))).toBe(
      "image/webp",
    );
    expect(sniffMediaType(fileOf(64, ascii("GIF89a")))).toBe("image/gif");
  });

  it("tells ISO base media files apart by their ftyp brand", () => {
    expect(sniffMediaType(fileOf(64, MAGIC.mp4))).toBe("video/mp4");
    expect(sniffMediaType(ftyp("mp42"))).toBe("video/mp4");
    expect(sniffMediaType(ftyp("M4V "))).toBe("video/mp4");
    expect(sniffMediaType(fileOf(64, MAGIC.mov))).toBe("video/quicktime");
    expect(sniffMediaType(ftyp("3gp5"))).toBe("video/3gpp");
    expect(sniffMediaType(ftyp("M4A "))).toBe("audio/mp4");
    expect(sniffMediaType(ftyp("avif"))).toBe("image/avif");
    expect(sniffMediaType(ftyp("heic"))).toBe("image/heic");
    // A QuickTime movie from before ftyp: it starts with its moov atom.
    expect(sniffMediaType(fileOf(64, [0, 0, 0, 0x6c, ...ascii("moov")]))).toBe("video/quicktime");
  });

  it("reads WebM and Matroska from the EBML DocType", () => {
    expect(sniffMediaType(fileOf(64, MAGIC.webm))).toBe("video/webm");
    const mkv = [
      0x1a,
      0x45,
      0xdf,
      0xa3,
      0xa3,
      0x42,
      0x86,
      0x81,
      0x01,
      0x42,
      0x82,
      0x88,
      ...ascii("matroska"),
    ];
    expect(sniffMediaType(fileOf(64, mkv))).toBe("video/x-matroska");
    // EBML with a DocType we do not know is not guessed.
    expect(
      sniffMediaType(fileOf(64, [0x1a, 0x45, 0xdf, 0xa3, 0x42, 0x82, 0x83, ...ascii("xyz")])),
    ).toBeUndefined();
  });

  it("knows common audio", () => {
    expect(sniffMediaType(fileOf(64, ascii("ID3")))).toBe("audio/mpeg");
    expect(sniffMediaType(fileOf(64, [0xff, 0xfb, 0x90, 0x00]))).toBe("audio/mpeg");
    expect(sniffMediaType(fileOf(64, [0xff, 0xf1, 0x50, 0x80]))).toBe("audio/aac");
    expect(sniffMediaType(fileOf(64, ascii("fLaC")))).toBe("audio/flac");
    expect(sniffMediaType(fileOf(64, ascii("OggS")))).toBe("audio/ogg");
    expect(sniffMediaType(fileOf(64, [...ascii("RIFF"), 0, 0, 0, 0, ...ascii("WAVE")]))).toBe("audio/wav");
  });

  it("does not guess for bytes it does not recognise, or too few of them", () => {
    expect(sniffMediaType(new TextEncoder().encode("just some text, not media at all"))).toBeUndefined();
    expect(sniffMediaType(new Uint8Array([0x89, 0x50]))).toBeUndefined();
    expect(sniffMediaType(new Uint8Array(0))).toBeUndefined();
  });

  it("accepts a declared type only for its own container family", () => {
    expect(declaredTypeMatches("video/mp4", "video/mp4")).toBe(true);
    expect(declaredTypeMatches("video/mp4", "video/quicktime")).toBe(true);
    expect(declaredTypeMatches("video/mp4", "image/png")).toBe(false);
    expect(declaredTypeMatches("image/jpeg", "image/png")).toBe(false);
    expect(declaredTypeMatches("video/webm", "video/x-matroska")).toBe(false);
    expect(declaredTypeMatches("image/png", "video/mp4")).toBe(false);
    expect(mediaKind("video/quicktime")).toBe("video");
    expect(mediaKind("application/pdf")).toBeUndefined();
  });
});
