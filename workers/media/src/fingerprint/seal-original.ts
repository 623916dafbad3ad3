import { createCoreDb, mediaAsset } from "@fun/db";
import { and, eq } from "drizzle-orm";

/** Where an asset's original lives once the vault holds it encrypted. */
export const sealedOriginalKey = (assetId: string) => `vault/originals/${assetId}`;
/** Where direct uploads put the plaintext original (src/uploads/README.md). */
const uploadedOriginalKey = (assetId: string) => `originals/${assetId}`;

export type SealOutcome = "sealed" | "already_sealed" | "unknown_asset" | "nothing_stored";

/**
 * Hands an uploaded original to the vault to be stored encrypted (streamed, never buffered), points
 * the asset at the sealed copy and deletes the plaintext. Runs after fingerprinting, which needs the
 * plaintext. Each step can be repeated: a retry after a crash finishes the job, and a sealed asset
 * only has any plaintext leftover removed.
 */
export async function sealOriginal(env: MediaEnv, assetId: string, now = Date.now()): Promise<SealOutcome> {
  const db = createCoreDb(env.DB);
  const asset = await db.select().from(mediaAsset).where(eq(mediaAsset.id, assetId)).get();
  if (!asset) return "unknown_asset";
  const sealedKey = sealedOriginalKey(assetId);
  if (asset.storageKey === sealedKey) {
    await env.MEDIA_BUCKET.delete(uploadedOriginalKey(assetId));
    return "already_sealed";
  }
  const plaintext = await env.MEDIA_BUCKET.get(asset.storageKey);
  if (plaintext) {
    await env.VAULT.storeObject({
      storageKey: sealedKey,
      tenantId: asset.tenantId,
      contentType: asset.mime,
      plainSize: plaintext.size,
      body: plaintext.body,
    });
  } else if (!(await env.VAULT.describeObject(sealedKey))) {
    return "nothing_stored";
  }
  await db
    .update(mediaAsset)
    .set({ storageKey: sealedKey, updatedAt: now })
    .where(and(eq(mediaAsset.id, assetId), eq(mediaAsset.storageKey, asset.storageKey)));
  await env.MEDIA_BUCKET.delete(asset.storageKey);
  return "sealed";
}
