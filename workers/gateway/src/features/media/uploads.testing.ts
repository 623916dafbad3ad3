import { env, exports } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { callBrand } from "@fun/testing";
import { expect } from "vitest";
import { as, type Brand } from "./media.testing";

export const MiB = 1024 * 1024;
export const creatorAccount = SEED.accounts.creator.id;

export type SinglePut = { method: "PUT"; url: string; headers?: Record<string, string>; expiresAt: string };
export type Multipart = {
  partSize: number;
  partCount: number;
  parts: { partNumber: number; url: string; bytes: number }[];
  expiresAt: string;
};
export type Started = {
  assetId: string;
  mime: string;
  bytes: number;
  expiresAt: string;
  upload: SinglePut | Multipart;
};

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
export const MAGIC = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  mp4: [0, 0, 0, 0x18, ...ascii("ftypisom"), 0, 0, 2, 0, ...ascii("isomiso2")],
  webm: [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, ...ascii("webm")],
} as const;

/** `length` random bytes starting with a file type's magic bytes. */
export function fileOf(length: number, header: readonly number[] = []): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
  bytes.set(header.slice(0, length));
  return bytes;
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `POST /v1/media/ingest:init` as `accountId` on `brand`; asserts 201 and returns the started assets. */
export async function initUploads(
  files: Record<string, unknown>[],
  options: { accountId?: string; brand?: Brand; contentId?: string } = {},
): Promise<Started[]> {
  const brand = options.brand ?? "girlfanz";
  const response = await callBrand(
    "POST",
    "/v1/media/ingest:init",
    await as(options.accountId ?? creatorAccount, brand),
    { files, ...(options.contentId ? { contentId: options.contentId } : {}) },
    brand,
  );
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { assets: Started[] }).assets;
}

export function single(started: Started | undefined): SinglePut {
  if (!started || !("url" in started.upload)) throw new Error("expected a single PUT");
  return started.upload;
}

export function multipart(started: Started | undefined): Multipart {
  if (!started || !("parts" in started.upload)) throw new Error("expected a multipart upload");
  return started.upload;
}

/** A PUT to an upload URL through the gateway, which hands the upload host to the media worker. */
export function putTo(url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  return (exports as unknown as { default: Fetcher }).default.fetch(
    new Request(url, { method: "PUT", body, headers: { "content-length": String(body.length), ...headers } }),
  );
}

export async function complete(
  body: Record<string, unknown>,
  accountId = creatorAccount,
  brand: Brand = "girlfanz",
) {
  return callBrand("POST", "/v1/media/ingest:complete", await as(accountId, brand), body, brand);
}

export const assetRow = (assetId: string) =>
  env.DB.prepare(
    "SELECT upload_state, failure_reason, checksum_sha256, mime, bytes, content_id, owner_profile_id, tenant_id FROM media_asset WHERE id = ?",
  )
    .bind(assetId)
    .first<Record<string, unknown>>();

export const uploadRow = (assetId: string) =>
  env.DB.prepare("SELECT * FROM media_upload WHERE asset_id = ?")
    .bind(assetId)
    .first<Record<string, unknown>>();

/** A post of the demo creator on `brand`, published there when `live`. */
export async function creatorPost(brand: Brand = "girlfanz", live = false): Promise<string> {
  const response = await callBrand(
    "POST",
    "/v1/content",
    await as(creatorAccount, brand),
    { title: "New set", visibility: "public" },
    brand,
  );
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  if (live) {
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
    )
      .bind(
        `ctm_${crypto.randomUUID().replaceAll("-", "").slice(0, 26).toUpperCase()}`,
        id,
        SEED.tenants[brand].id,
        now,
        now,
        now,
      )
      .run();
  }
  return id;
}
