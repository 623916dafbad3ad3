import { err, newId, ok, type Result } from "@fun/core";
import { createCoreDb } from "@fun/db";
import { brandMedia, checkDeclaredFiles, type DeclaredFile, type UploadFieldError } from "./media-limits";
import { s3Target } from "./s3-presign";
import { planUpload, type UploadPlan } from "./upload-plan";
import { type PlannedUpload, UPLOAD_TTL_MS, type UploadTarget, uploadTargets } from "./upload-targets";
import { type NewAsset, type NewUpload, originalKey, ownsContent, startUploads } from "./uploads.repo";

export interface InitUploadInput {
  /** The brand the files are uploaded through: its types and size limits apply. */
  tenantId: string;
  ownerProfileId: string;
  /** The post the files are for, already checked by the caller to be the owner's. */
  contentId: string | null;
  files: DeclaredFile[];
  /** The upload host's origin as the client reaches it (`http://upload.localhost:8787`). */
  uploadOrigin: string;
  /** The Origin header of the client's request, if it came from a browser page. */
  clientOrigin: string | null;
}

export interface StartedUpload {
  assetId: string;
  mime: string;
  bytes: number;
  /** When the upload is abandoned and cleaned up if it has not completed (ISO 8601). */
  expiresAt: string;
  upload: UploadTarget;
}

export type InitUploadError =
  | { code: "validation_failed"; errors: UploadFieldError[] }
  | { code: "not_found"; detail: string };

/**
 * Starts uploads: checks every file against the brand's types and limits (all or nothing), opens an
 * R2 multipart upload for large files, records each asset as `uploading` with its upload in one
 * batch, and signs the URLs to send the bytes to.
 */
export async function initUpload(
  env: MediaEnv,
  input: InitUploadInput,
  now = Date.now(),
): Promise<Result<{ assets: StartedUpload[] }, InitUploadError>> {
  const db = createCoreDb(env.DB);
  const brand = await brandMedia(db, input.tenantId);
  const errors = checkDeclaredFiles(brand, input.files);
  if (errors.length > 0) return err({ code: "validation_failed", errors });
  if (input.contentId !== null && !(await ownsContent(db, input.contentId, input.ownerProfileId)))
    return err({ code: "not_found", detail: "No such post of yours." });

  const expiresAt = now + UPLOAD_TTL_MS;
  const planned = input.files.map((file) => {
    const assetId = newId("mediaAsset", now);
    return {
      file,
      assetId,
      storageKey: originalKey(assetId),
      plan: planUpload(file.bytes, file.partSize ?? undefined),
    };
  });
  const s3 = s3Target(env, input.uploadOrigin, input.clientOrigin);

  const opened: { key: string; uploadId: string }[] = [];
  try {
    const uploads: PlannedUpload[] = await Promise.all(
      planned.map(async ({ file, assetId, storageKey, plan }) => {
        const multipart = await openMultipart(env, storageKey, file.mime, plan);
        if (multipart) opened.push({ key: storageKey, uploadId: multipart });
        return {
          assetId,
          storageKey,
          mime: file.mime,
          bytes: file.bytes,
          multipartUploadId: multipart,
          partSize: plan.kind === "multipart" ? plan.partSize : null,
          partCount: plan.kind === "multipart" ? plan.partCount : 1,
          expiresAt,
        };
      }),
    );
    const assets: NewAsset[] = planned.map(({ file, assetId, storageKey }) => ({
      id: assetId,
      contentId: input.contentId,
      ownerProfileId: input.ownerProfileId,
      tenantId: input.tenantId,
      storageKey,
      mime: file.mime,
      bytes: file.bytes,
      uploadState: "uploading",
      createdAt: now,
      updatedAt: now,
    }));
    const rows: NewUpload[] = uploads.map((upload, i) => ({
      assetId: upload.assetId,
      transport: s3 ? "r2-s3" : "worker",
      multipartUploadId: upload.multipartUploadId,
      partSize: upload.partSize,
      partCount: upload.partCount,
      declaredSha256: planned[i]?.file.sha256 ?? null,
      expiresAt,
      createdAt: now,
    }));
    const context = { env, uploadOrigin: input.uploadOrigin, s3, now };
    const started = await Promise.all(
      uploads.map(async (upload) => ({
        assetId: upload.assetId,
        mime: upload.mime,
        bytes: upload.bytes,
        expiresAt: new Date(expiresAt).toISOString(),
        upload: await uploadTargets(context, upload),
      })),
    );
    await db.batch(startUploads(db, assets, rows));
    return ok({ assets: started });
  } catch (error) {
    // Nothing recorded, so nothing may stay open in storage either.
    await Promise.allSettled(
      opened.map(({ key, uploadId }) => env.MEDIA_BUCKET.resumeMultipartUpload(key, uploadId).abort()),
    );
    throw error;
  }
}

async function openMultipart(env: MediaEnv, key: string, mime: string, plan: UploadPlan) {
  if (plan.kind === "single") return null;
  const upload = await env.MEDIA_BUCKET.createMultipartUpload(key, { httpMetadata: { contentType: mime } });
  return upload.uploadId;
}
