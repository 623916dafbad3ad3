import { sniffImageType } from "../fingerprint/image-header";

/**
 * The real media type of a file from its first bytes (magic numbers), whatever the upload declared:
 * images (through the fingerprinter's own sniffing, plus GIF, AVIF and HEIC), ISO base media files
 * (MP4, QuickTime, 3GP, M4A; told apart by the `ftyp` brand), EBML (WebM, Matroska) and common
 * audio. `SNIFF_BYTES` from the start of the file are enough for all of them.
 */

export const SNIFF_BYTES = 4096;

const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, at + length));

const u32be = (b: Uint8Array, at: number) =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;

const BRANDS: [RegExp, string][] = [
  [/^avi[fs]$/, "image/avif"],
  [/^he(ic|ix|im|is|vc|vx)$/, "image/heic"],
  [/^m[is]f1$/, "image/heif"],
  [/^qt {2}$/, "video/quicktime"],
  [/^M4[ABP] $/, "audio/mp4"],
  [/^3g2/, "video/3gpp2"],
  [/^3gp/, "video/3gpp"],
];

/** An ISO base media file (`....ftyp<brand>`): its type from the major brand. */
function isoBaseMedia(bytes: Uint8Array): string | undefined {
  if (bytes.length < 12) return undefined;
  const box = ascii(bytes, 4, 4);
  // QuickTime files from before `ftyp` existed start straight with one of these atoms.
  if (["moov", "mdat", "wide", "free", "skip", "pnot"].includes(box) && u32be(bytes, 0) >= 8)
    return "video/quicktime";
  if (box !== "ftyp") return undefined;
  const brand = ascii(bytes, 8, 4);
  for (const [pattern, type] of BRANDS) if (pattern.test(brand)) return type;
  // isom, iso2…iso9, mp41, mp42, avc1, dash, M4V, MSNV, f4v: MP4 video.
  return "video/mp4";
}

/** Reads an EBML variable-length integer at `at`: its value and its length in bytes. */
function vint(bytes: Uint8Array, at: number): { value: number; length: number } | undefined {
  const first = bytes[at];
  if (first === undefined || first === 0) return undefined;
  let length = 1;
  while (!(first & (0x80 >> (length - 1)))) length++;
  let value = first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + (bytes[at + i] ?? 0);
  return { value, length };
}

/** WebM or Matroska, from the EBML header's DocType element (ID 0x4282). */
function ebml(bytes: Uint8Array): string | undefined {
  if (!(bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)) return undefined;
  for (let at = 4; at + 3 < Math.min(bytes.length, 64); at++) {
    if (bytes[at] !== 0x42 || bytes[at + 1] !== 0x82) continue;
    const size = vint(bytes, at + 2);
    if (!size || size.value > 16) return undefined;
    const docType = ascii(bytes, at + 2 + size.length, size.value);
    if (docType === "webm") return "video/webm";
    if (docType === "matroska") return "video/x-matroska";
    return undefined;
  }
  return undefined;
}

function audio(bytes: Uint8Array): string | undefined {
  if (ascii(bytes, 0, 3) === "ID3") return "audio/mpeg";
  if (ascii(bytes, 0, 4) === "fLaC") return "audio/flac";
  if (ascii(bytes, 0, 4) === "OggS") return "audio/ogg";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WAVE") return "audio/wav";
  const [b0, b1 = 0] = bytes;
  if (b0 === 0xff && (b1 & 0xf6) === 0xf0) return "audio/aac"; // ADTS: sync, layer 00
  if (b0 === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0) return "audio/mpeg"; // MPEG audio frame
  return undefined;
}

/** The type the bytes say the file is, or undefined when it is none of those we recognise. */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  const image = sniffImageType(bytes);
  if (image) return image;
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return "image/gif";
  return isoBaseMedia(bytes) ?? ebml(bytes) ?? audio(bytes);
}

/**
 * Types that name the same container, so a file declared as one and sniffed as another is still what
 * it claims: an iPhone's `.mov` labelled video/mp4, an `.m4a` whose brand is `isom`, WebM audio.
 */
const FAMILIES: readonly (readonly string[])[] = [
  ["video/mp4", "video/quicktime", "video/3gpp", "video/3gpp2", "audio/mp4", "audio/x-m4a"],
  ["video/webm", "audio/webm"],
  ["audio/ogg", "video/ogg", "application/ogg"],
  ["audio/wav", "audio/x-wav", "audio/wave"],
  ["audio/mpeg", "audio/mp3"],
  ["image/heic", "image/heif"],
];

/** Whether bytes sniffed as `sniffed` are what a file declared as `declared` should be. */
export function declaredTypeMatches(declared: string, sniffed: string): boolean {
  if (declared === sniffed) return true;
  return FAMILIES.some((family) => family.includes(declared) && family.includes(sniffed));
}

/** image, video or audio: which of a brand's size limits applies. */
export function mediaKind(type: string): "image" | "video" | "audio" | undefined {
  const kind = type.split("/")[0];
  return kind === "image" || kind === "video" || kind === "audio" ? kind : undefined;
}
