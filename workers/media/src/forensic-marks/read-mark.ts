import { type CoreDb, listTenants, watermarkPayload } from "@fun/db";
import { eq } from "drizzle-orm";
import type { RgbaImage } from "../fingerprint/decode";
import { detectWatermark } from "../watermark/detect";
import { payloadHex } from "./payload-id";

/** What a watermark found in an image stands for. */
export interface ReadMark {
  payloadId: string;
  /** The brand's slug. */
  tenant: string;
  tenantId: string;
  creatorId: string;
  contentId: string | null;
  assetId: string;
  recipientProfileId: string | null;
  issuedAt: string;
  /** Coded bits the detector read wrong before error correction (0–1). */
  rawBitErrorRate: number;
}

/**
 * Reads a forensic watermark blind: every brand's keys in turn (the mark says nothing about whose it
 * is until a key reads it). A read counts only when the checksum verifies under that key AND the ID
 * was issued by that brand under that key version: anything else is "no watermark", never a guess.
 */
export async function readMark(env: MediaEnv, db: CoreDb, pixels: RgbaImage): Promise<ReadMark | null> {
  for (const tenant of await listTenants(db)) {
    const { keys } = await env.VAULT.watermarkKeys(tenant.id);
    for (const { version, key } of keys) {
      const detection = detectWatermark(pixels, key);
      if (!detection) continue;
      const payloadId = payloadHex(detection.payloadId);
      const row = await db.select().from(watermarkPayload).where(eq(watermarkPayload.id, payloadId)).get();
      if (!row || row.tenantId !== tenant.id || row.keyVersion !== version) continue;
      return {
        payloadId,
        tenant: tenant.slug,
        tenantId: tenant.id,
        creatorId: row.creatorProfileId,
        contentId: row.contentId,
        assetId: row.assetId,
        recipientProfileId: row.recipientProfileId,
        issuedAt: new Date(row.issuedAt).toISOString(),
        rawBitErrorRate: detection.rawBitErrorRate,
      };
    }
  }
  return null;
}
