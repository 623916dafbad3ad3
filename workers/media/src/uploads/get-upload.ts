import { err, ok, type Result } from "@fun/core";
import { createCoreDb } from "@fun/db";
import { type ListedPart, listS3Parts, s3Target } from "./s3-presign";
import { type UploadTarget, uploadTargets } from "./upload-targets";
import { findOwnedAsset, type ReceivedPart, recordedParts } from "./uploads.repo";

export interface UploadStatusInput {
  assetId: string;
  ownerProfileId: string;
  uploadOrigin: string;
  clientOrigin: string | null;
}

export interface UploadStatus {
  assetId: string;
  state: "uploading" | "stored" | "failed" | "aborted" | "expired";
  failureReason: string | null;
  mime: string;
  bytes: number;
  /** While uploading: when the upload is abandoned (ISO 8601). */
  expiresAt: string | null;
  /**
   * While uploading a multipart file: the parts storage holds. Null when storage cannot list them
   * (wrangler's local S3 endpoint); the client then resends the parts it has no ETag for.
   */
  receivedParts: ReceivedPart[] | null;
  /** While uploading: fresh URLs for what has not arrived yet (every part, when that is unknown). */
  upload: UploadTarget | null;
}

/**
 * Where an upload stands, to resume it: its state, the parts received (recorded by the upload route;
 * for presigned uploads, listed from R2) and fresh URLs for the rest.
 */
export async function getUpload(
  env: MediaEnv,
  input: UploadStatusInput,
  now = Date.now(),
): Promise<Result<UploadStatus, { code: "not_found" }>> {
  const db = createCoreDb(env.DB);
  const found = await findOwnedAsset(db, input.assetId, input.ownerProfileId);
  if (!found) return err({ code: "not_found" });
  const { asset, upload } = found;
  const status = {
    assetId: asset.id,
    state: asset.uploadState,
    failureReason: asset.failureReason,
    mime: asset.mime,
    bytes: asset.bytes,
  };
  if (asset.uploadState !== "uploading" || !upload || upload.expiresAt <= now)
    return ok({
      ...status,
      state: asset.uploadState === "uploading" ? "expired" : asset.uploadState,
      expiresAt: null,
      receivedParts: null,
      upload: null,
    });

  const s3 = s3Target(env, input.uploadOrigin, input.clientOrigin);
  const planned = {
    assetId: asset.id,
    storageKey: asset.storageKey,
    mime: asset.mime,
    bytes: asset.bytes,
    multipartUploadId: upload.multipartUploadId,
    partSize: upload.partSize,
    partCount: upload.partCount,
    expiresAt: upload.expiresAt,
  };
  const context = { env, uploadOrigin: input.uploadOrigin, s3, now };
  const expiresAt = new Date(upload.expiresAt).toISOString();
  if (upload.multipartUploadId === null) {
    const arrived = (await env.MEDIA_BUCKET.head(asset.storageKey)) !== null;
    return ok({
      ...status,
      expiresAt,
      receivedParts: null,
      upload: arrived ? null : await uploadTargets(context, planned),
    });
  }
  const received = await receivedParts(
    env,
    { ...planned, multipartUploadId: upload.multipartUploadId },
    upload.transport,
    input.uploadOrigin,
  );
  const have = new Set((received ?? []).map((part) => part.partNumber));
  const missing = Array.from({ length: upload.partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
  return ok({
    ...status,
    expiresAt,
    receivedParts: received,
    upload: missing.length > 0 ? await uploadTargets(context, planned, missing) : null,
  });
}

/** Parts recorded by the upload route, plus (for presigned uploads) those R2 lists, by number. */
async function receivedParts(
  env: MediaEnv,
  upload: { assetId: string; storageKey: string; multipartUploadId: string },
  transport: "r2-s3" | "worker",
  uploadOrigin: string,
): Promise<ReceivedPart[] | null> {
  const recorded = await recordedParts(createCoreDb(env.DB), upload.assetId);
  if (transport === "worker") return recorded;
  // The worker lists them itself, so the client's origin does not matter here.
  const s3 = s3Target(env, uploadOrigin, null);
  const listed: ListedPart[] | undefined = s3
    ? await listS3Parts(s3, upload.storageKey, upload.multipartUploadId).catch(() => undefined)
    : undefined;
  if (!listed) return null;
  const merged = new Map([...listed, ...recorded].map((part) => [part.partNumber, part]));
  return [...merged.values()].sort((a, b) => a.partNumber - b.partNumber);
}
