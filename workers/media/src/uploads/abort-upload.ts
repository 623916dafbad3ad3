import { err, ok, type Result } from "@fun/core";
import { createCoreDb } from "@fun/db";
import { endUpload, findOwnedAsset } from "./uploads.repo";

/**
 * Aborts an upload in progress: R2 drops the parts received, any whole object is deleted, and the
 * asset is marked `aborted`. Aborting an aborted upload again changes nothing; a stored, failed or
 * expired one is not in progress (409).
 */
export async function abortUpload(
  env: MediaEnv,
  input: { assetId: string; ownerProfileId: string },
  now = Date.now(),
): Promise<
  Result<{ assetId: string; state: "aborted" }, { code: "not_found" } | { code: "conflict"; detail: string }>
> {
  const db = createCoreDb(env.DB);
  const found = await findOwnedAsset(db, input.assetId, input.ownerProfileId);
  if (!found) return err({ code: "not_found" });
  const { asset, upload } = found;
  if (asset.uploadState === "aborted") return ok({ assetId: asset.id, state: "aborted" });
  if (asset.uploadState !== "uploading")
    return err({
      code: "conflict",
      detail: `The upload is not in progress: the asset is ${asset.uploadState}.`,
    });
  await discardUpload(env, asset.storageKey, upload?.multipartUploadId ?? null);
  await db.batch(endUpload(db, asset.id, { uploadState: "aborted" }, now));
  return ok({ assetId: asset.id, state: "aborted" });
}

/** Drops what storage holds for an unfinished upload: its multipart parts and any whole object. */
export async function discardUpload(
  env: MediaEnv,
  key: string,
  multipartUploadId: string | null,
): Promise<void> {
  if (multipartUploadId !== null) {
    try {
      await env.MEDIA_BUCKET.resumeMultipartUpload(key, multipartUploadId).abort();
    } catch {
      // Already completed or aborted: nothing of it is left to drop.
    }
  }
  await env.MEDIA_BUCKET.delete(key);
}
