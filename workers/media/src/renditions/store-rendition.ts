import { newId } from "@fun/core";
import { type CoreDb, type MEDIA_VARIANT_KINDS, mediaVariant } from "@fun/db";
import type { RgbaImage } from "../fingerprint/decode";
import { encodeJpeg } from "./encode-jpeg";

export type VariantKind = (typeof MEDIA_VARIANT_KINDS)[number];

/** JPEG quality per rendition: the published full size at 90 (the watermark's published encoding). */
const QUALITY: Partial<Record<VariantKind, number>> = {
  watermarked: 90,
  thumb: 85,
  thumb_small: 80,
  teaser: 80,
};

/**
 * Where a rendition's ciphertext lives. Brand renditions have one fixed key per kind, so a
 * redelivered message rewrites the same object; a buyer's copy is keyed by its recipient.
 */
export function renditionKey(assetId: string, tenantId: string, kind: VariantKind, recipient: string | null) {
  return `vault/renditions/${assetId}/${tenantId}/${kind}${recipient ? `/${recipient}` : ""}.jpg`;
}

export interface StoredRendition {
  row: typeof mediaVariant.$inferInsert & { id: string };
}

/**
 * Encodes pixels as JPEG and has the vault store them encrypted under the brand's key; answers the
 * variant row for the caller to write in its batch (after the bytes are safely stored, so a row
 * never points at nothing).
 */
export async function storeRendition(
  env: MediaEnv,
  pixels: RgbaImage,
  copy: {
    assetId: string;
    tenantId: string;
    kind: VariantKind;
    recipientProfileId: string | null;
    payloadId: string | null;
  },
  now = Date.now(),
): Promise<StoredRendition> {
  const jpeg = await encodeJpeg(pixels, QUALITY[copy.kind] ?? 85);
  const storageKey = renditionKey(copy.assetId, copy.tenantId, copy.kind, copy.recipientProfileId);
  await env.VAULT.storeObject({
    storageKey,
    tenantId: copy.tenantId,
    contentType: "image/jpeg",
    plainSize: jpeg.byteLength,
    body: new Response(jpeg).body as ReadableStream<Uint8Array>,
  });
  return {
    row: {
      id: newId("mediaVariant", now),
      assetId: copy.assetId,
      tenantId: copy.tenantId,
      kind: copy.kind,
      storageKey,
      recipientProfileId: copy.recipientProfileId,
      payloadId: copy.payloadId,
      mime: "image/jpeg",
      width: pixels.width,
      height: pixels.height,
      bytes: jpeg.byteLength,
      createdAt: now,
    },
  };
}

/**
 * The variant row, written once per copy: a redelivery that stored the same bytes again finds the
 * row there (same storage key) and keeps it, refreshing only the size the new bytes have.
 */
export function variantUpsert(db: CoreDb, row: StoredRendition["row"]) {
  return db
    .insert(mediaVariant)
    .values(row)
    .onConflictDoUpdate({
      target: mediaVariant.storageKey,
      set: { bytes: row.bytes, width: row.width, height: row.height, payloadId: row.payloadId },
    });
}
