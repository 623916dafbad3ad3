import { type CoreDb, watermarkPayload } from "@fun/db";
import type { RgbaImage } from "../fingerprint/decode";
import { embedWatermark } from "../watermark/embed";
import { payloadBigInt, payloadIdFor } from "./payload-id";

/** Who a marked copy is for: the brand that serves it, its post and creator, and a buyer if any. */
export interface CopyOwner {
  tenantId: string;
  assetId: string;
  contentId: string | null;
  creatorProfileId: string;
  recipientProfileId: string | null;
}

export interface MarkedCopy {
  pixels: RgbaImage;
  payloadId: string;
  /** The payload row to write in the same batch as the copy's variant row (idempotent insert). */
  payloadRow: typeof watermarkPayload.$inferInsert;
}

/**
 * Marks pixels with the brand's active watermark key (held by the vault) and the copy's payload ID,
 * the ID standing for `{tenant, creator, post, recipient, issuedAt}` server-side.
 */
export async function markCopy(
  env: MediaEnv,
  pixels: RgbaImage,
  owner: CopyOwner,
  now = Date.now(),
): Promise<MarkedCopy> {
  const { active, keys } = await env.VAULT.watermarkKeys(owner.tenantId);
  const key = keys.find((k) => k.version === active)?.key;
  if (!key) throw new Error(`the vault gave no active watermark key for ${owner.tenantId}`);
  const payloadId = await payloadIdFor({ ...owner, keyVersion: active });
  return {
    pixels: embedWatermark(pixels, key, payloadBigInt(payloadId)),
    payloadId,
    payloadRow: {
      id: payloadId,
      tenantId: owner.tenantId,
      assetId: owner.assetId,
      contentId: owner.contentId,
      creatorProfileId: owner.creatorProfileId,
      recipientProfileId: owner.recipientProfileId,
      keyVersion: active,
      issuedAt: now,
    },
  };
}

/** The payload's row, written once: a repeated copy keeps its first `issuedAt`. */
export function payloadInsert(db: CoreDb, row: typeof watermarkPayload.$inferInsert) {
  return db.insert(watermarkPayload).values(row).onConflictDoNothing();
}
