import { createCoreDb } from "@fun/db";
import { discardUpload } from "./abort-upload";
import { UPLOAD_TTL_MS, URL_TTL_SECONDS } from "./upload-targets";
import { endUpload, expiredUploads, keysOfEndedUploads } from "./uploads.repo";

/** How many abandoned uploads one run cleans up; the next run takes the rest. */
const BATCH = 100;
/** The cron's interval (wrangler.toml `crons`), so the sweep below overlaps from run to run. */
const CRON_INTERVAL_MS = 15 * 60 * 1000;

export interface ExpiryReport {
  expired: string[];
  swept: number;
}

/**
 * The cron's clean-up. Uploads past their expiry are abandoned: R2 drops their parts, any object is
 * deleted, and their assets are marked `expired`. Then a sweep deletes again the objects of uploads
 * that failed or were aborted while a presigned URL for them could still be valid (at most
 * `URL_TTL_SECONDS` after it was made), so a late PUT leaves nothing behind.
 */
export async function expireUploads(env: MediaEnv, now = Date.now()): Promise<ExpiryReport> {
  const db = createCoreDb(env.DB);
  const due = await expiredUploads(db, now, BATCH);
  const expired: string[] = [];
  for (const { asset, upload } of due) {
    await discardUpload(env, asset.storageKey, upload.multipartUploadId);
    await db.batch(
      endUpload(
        db,
        asset.id,
        { uploadState: "expired", failureReason: "the upload was not completed in time" },
        now,
      ),
    );
    expired.push(asset.id);
  }
  const window = URL_TTL_SECONDS * 1000 + 2 * CRON_INTERVAL_MS;
  // An asset's URLs are made from its creation until its upload expires, so older assets cannot have any.
  const recent = now - (UPLOAD_TTL_MS + window);
  const ended = await keysOfEndedUploads(db, recent, now - window, 1000);
  if (ended.length > 0) await env.MEDIA_BUCKET.delete(ended.map((row) => row.storageKey));
  return { expired, swept: ended.length };
}
