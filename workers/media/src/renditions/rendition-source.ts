import { type CoreDb, content, contentTenantMap, mediaAsset, mediaTakedown } from "@fun/db";
import { and, eq, sql } from "drizzle-orm";
import { decodeImage, type RgbaImage } from "../fingerprint/decode";
import { MAX_IMAGE_BYTES } from "../fingerprint/fingerprint-asset";
import { sealedOriginalKey } from "../fingerprint/seal-original";

/** What a rendition is made from: the asset, its post, and whether the post is live on the brand. */
export interface RenditionSubject {
  asset: typeof mediaAsset.$inferSelect;
  post: Pick<typeof content.$inferSelect, "id" | "visibility" | "creatorProfileId"> | null;
  live: boolean;
  takenDown: boolean;
}

export async function renditionSubject(
  db: CoreDb,
  assetId: string,
  tenantId: string,
): Promise<RenditionSubject | undefined> {
  const row = await db
    .select({
      asset: mediaAsset,
      postId: content.id,
      visibility: content.visibility,
      creatorProfileId: content.creatorProfileId,
      live: sql<number>`exists (
        select 1 from ${contentTenantMap}
        where ${contentTenantMap.contentId} = ${content.id} and ${contentTenantMap.tenantId} = ${tenantId}
          and ${contentTenantMap.status} = 'published'
      )`,
      takenDown: sql<number>`exists (select 1 from ${mediaTakedown} where ${mediaTakedown.assetId} = ${mediaAsset.id})`,
    })
    .from(mediaAsset)
    .leftJoin(content, eq(content.id, mediaAsset.contentId))
    .where(eq(mediaAsset.id, assetId))
    .get();
  if (!row) return undefined;
  const { postId, visibility, creatorProfileId } = row;
  return {
    asset: row.asset,
    post: postId && visibility && creatorProfileId ? { id: postId, visibility, creatorProfileId } : null,
    live: row.live === 1,
    takenDown: row.takenDown === 1,
  };
}

/** Why an asset gets no renditions (yet): nothing to retry, the message is acknowledged. */
export function notRenderable(subject: RenditionSubject | undefined): string | null {
  if (!subject) return "unknown asset";
  const { asset } = subject;
  if (subject.takenDown) return "taken down";
  if (asset.blockedAt !== null) return "blocked";
  if (asset.uploadState !== "stored") return `upload ${asset.uploadState}`;
  if (!asset.mime.startsWith("image/")) return "not an image (video renditions are the transcoder's)";
  return null;
}

/**
 * The original's pixels: from the vault once sealed (decrypted, authenticated chunk by chunk), or
 * from the upload bucket while fingerprinting has not sealed it yet (and from the vault if the seal
 * finished between reading the row and reading the bytes).
 */
export async function originalPixels(
  env: MediaEnv,
  asset: typeof mediaAsset.$inferSelect,
): Promise<RgbaImage> {
  if (asset.bytes > MAX_IMAGE_BYTES)
    throw new Error(
      `the original of ${asset.id} is ${asset.bytes} bytes; at most ${MAX_IMAGE_BYTES} are decoded`,
    );
  const sealedKey = sealedOriginalKey(asset.id);
  const body =
    (asset.storageKey === sealedKey ? undefined : (await env.MEDIA_BUCKET.get(asset.storageKey))?.body) ??
    (await env.VAULT.openObject(sealedKey));
  if (!body) throw new Error(`the original of ${asset.id} is missing from storage`);
  return decodeImage(new Uint8Array(await new Response(body).arrayBuffer()));
}

/** Posts live on a brand, for the renditions a publication needs. */
export async function liveTenantsOf(db: CoreDb, contentId: string): Promise<string[]> {
  const rows = await db
    .select({ tenantId: contentTenantMap.tenantId })
    .from(contentTenantMap)
    .where(and(eq(contentTenantMap.contentId, contentId), eq(contentTenantMap.status, "published")));
  return rows.map((row) => row.tenantId);
}
