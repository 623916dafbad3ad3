import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import MediaWorker from "../index";
import type { DeclaredFile } from "./media-limits";
import type { UploadTarget } from "./upload-targets";

export const UPLOAD_ORIGIN = "http://upload.localhost";
export const MiB = 1024 * 1024;

export const media = () => new MediaWorker(createExecutionContext(), env);

/** `length` random bytes that start with `header` (a file type's magic bytes). */
export function fileOf(length: number, header: readonly number[] = []): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
  bytes.set(header.slice(0, length));
  return bytes;
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
export const MAGIC = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff, 0xe0],
  mp4: [0, 0, 0, 0x18, ...ascii("ftypisom"), 0, 0, 2, 0, ...ascii("isomiso2")],
  mov: [0, 0, 0, 0x14, ...ascii("ftypqt  "), 0, 0, 2, 0, ...ascii("qt  ")],
  webm: [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, ...ascii("webm")],
} as const;

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Starts one upload for the demo creator on girlfanz (no post) and returns its asset id and target. */
export async function startUpload(file: DeclaredFile, tenant: keyof typeof SEED.tenants = "girlfanz") {
  const started = await media().initUpload({
    tenantId: SEED.tenants[tenant].id,
    ownerProfileId: SEED.profiles.creator.id,
    contentId: null,
    files: [file],
    uploadOrigin: UPLOAD_ORIGIN,
    clientOrigin: null,
  });
  if (!started.ok) throw new Error(`initUpload failed: ${JSON.stringify(started.error)}`);
  const [asset] = started.value.assets;
  if (!asset) throw new Error("no asset started");
  return asset;
}

export const single = (target: UploadTarget) => {
  if (!("url" in target)) throw new Error("expected a single PUT");
  return target;
};

export const multipart = (target: UploadTarget) => {
  if (!("parts" in target)) throw new Error("expected a multipart upload");
  return target;
};

/** A request to the media worker's HTTP side (the upload host). */
export const send = (request: Request) => (exports as unknown as { default: Fetcher }).default.fetch(request);

/** A PUT to the upload host, as a client sends it (with Content-Length, unless told otherwise). */
export function put(
  url: string,
  body: Uint8Array<ArrayBuffer> | ReadableStream,
  headers: Record<string, string> = {},
) {
  const request = new Request(url, {
    method: "PUT",
    body,
    headers: body instanceof Uint8Array ? { "content-length": String(body.length), ...headers } : headers,
  });
  return send(request);
}

export const assetRow = (assetId: string) =>
  env.DB.prepare(
    "SELECT upload_state, failure_reason, checksum_sha256, mime, bytes FROM media_asset WHERE id = ?",
  )
    .bind(assetId)
    .first<{
      upload_state: string;
      failure_reason: string | null;
      checksum_sha256: string | null;
      mime: string;
      bytes: number;
    }>();

export const uploadRow = (assetId: string) =>
  env.DB.prepare("SELECT * FROM media_upload WHERE asset_id = ?").bind(assetId).first();
