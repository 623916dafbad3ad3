import { presignPut, type S3Target } from "./s3-presign";
import { partLength } from "./upload-plan";
import { signUploadGrant } from "./upload-token";

/** How long one upload URL is good for; a client resuming later asks for fresh ones. */
export const URL_TTL_SECONDS = 60 * 60;
/** How long an upload may stay unfinished before it is abandoned and cleaned up. */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export interface PartTarget {
  partNumber: number;
  url: string;
  /** The exact size this part must be. */
  bytes: number;
}

/** Where and how to send a file: one PUT, or one PUT per part. */
export type UploadTarget =
  | { method: "PUT"; url: string; headers?: Record<string, string>; expiresAt: string }
  | { partSize: number; partCount: number; parts: PartTarget[]; expiresAt: string };

export interface PlannedUpload {
  assetId: string;
  storageKey: string;
  mime: string;
  bytes: number;
  multipartUploadId: string | null;
  partSize: number | null;
  partCount: number;
  /** When the upload is abandoned (ms). */
  expiresAt: number;
}

export interface TargetContext {
  env: Pick<MediaEnv, "UPLOAD_TOKEN_SECRET">;
  /** The upload host's origin as the client reaches it, e.g. `http://upload.localhost:8787`. */
  uploadOrigin: string;
  /** Presigned S3 URLs when set; the worker route otherwise. */
  s3: S3Target | undefined;
  now: number;
}

async function workerUrl(
  context: TargetContext,
  upload: PlannedUpload,
  partNumber: number,
  length: number,
  expires: number,
): Promise<string> {
  const token = await signUploadGrant(context.env.UPLOAD_TOKEN_SECRET, {
    assetId: upload.assetId,
    partNumber,
    length,
    expires,
  });
  const path =
    partNumber === 0 ? `/upload/${upload.assetId}` : `/upload/${upload.assetId}/parts/${partNumber}`;
  const url = new URL(path, context.uploadOrigin);
  url.searchParams.set("length", String(length));
  url.searchParams.set("expires", String(expires));
  url.searchParams.set("token", token);
  return url.toString();
}

/**
 * Fresh URLs for an upload: the whole file, or the given parts (every part by default). Each URL
 * expires within the hour, and never after the upload itself.
 */
export async function uploadTargets(
  context: TargetContext,
  upload: PlannedUpload,
  parts?: readonly number[],
): Promise<UploadTarget> {
  const expiresMs = Math.min(context.now + URL_TTL_SECONDS * 1000, upload.expiresAt);
  const expires = Math.floor(expiresMs / 1000);
  const expiresInSeconds = Math.max(1, expires - Math.floor(context.now / 1000));
  const expiresAt = new Date(expires * 1000).toISOString();
  const { s3 } = context;
  if (upload.multipartUploadId === null || upload.partSize === null) {
    if (s3) {
      const signed = await presignPut(s3, upload.storageKey, {
        contentLength: upload.bytes,
        contentType: upload.mime,
        expiresInSeconds,
      });
      return { method: "PUT", url: signed.url, headers: signed.headers, expiresAt };
    }
    return { method: "PUT", url: await workerUrl(context, upload, 0, upload.bytes, expires), expiresAt };
  }
  const plan = { bytes: upload.bytes, partSize: upload.partSize, partCount: upload.partCount };
  const uploadId = upload.multipartUploadId;
  const numbers = parts ?? Array.from({ length: upload.partCount }, (_, i) => i + 1);
  const targets = await Promise.all(
    numbers.map(async (partNumber): Promise<PartTarget> => {
      const bytes = partLength(plan, partNumber);
      const url = s3
        ? (
            await presignPut(s3, upload.storageKey, {
              contentLength: bytes,
              expiresInSeconds,
              part: { uploadId, partNumber },
            })
          ).url
        : await workerUrl(context, upload, partNumber, bytes, expires);
      return { partNumber, url, bytes };
    }),
  );
  return { partSize: upload.partSize, partCount: upload.partCount, parts: targets, expiresAt };
}
