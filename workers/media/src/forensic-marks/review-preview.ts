import { err, ok, type Result } from "@fun/core";
import { createCoreDb, safetyReport } from "@fun/db";
import { eq } from "drizzle-orm";
import { encodeJpeg } from "../renditions/encode-jpeg";
import { originalPixels, renditionSubject } from "../renditions/rendition-source";
import { makeThumbnail } from "../renditions/thumbnails";
import { markCopy, payloadInsert } from "./mark-copy";

export interface ReviewPreview {
  jpeg: Uint8Array;
  payloadId: string;
  width: number;
  height: number;
}

export type ReviewPreviewError = "unknown_asset" | "not_reviewable" | "known_bad";

/**
 * What compliance staff look at instead of downloading an original: a small rendition (720 px on the
 * long side) marked with the reviewer as its recipient, made on each request and never stored. A
 * copy that leaks names the reviewer. Pictures matched to a known-bad list are never displayed.
 */
export async function reviewPreview(
  env: MediaEnv,
  request: { assetId: string; tenantId: string; reviewerProfileId: string },
  now = Date.now(),
): Promise<Result<ReviewPreview, ReviewPreviewError>> {
  const db = createCoreDb(env.DB);
  const [subject, reported] = await Promise.all([
    renditionSubject(db, request.assetId, request.tenantId),
    db
      .select({ id: safetyReport.id })
      .from(safetyReport)
      .where(eq(safetyReport.assetId, request.assetId))
      .get(),
  ]);
  if (!subject) return err("unknown_asset");
  if (reported) return err("known_bad");
  const { asset } = subject;
  if (asset.uploadState !== "stored" || !asset.mime.startsWith("image/")) return err("not_reviewable");
  const small = makeThumbnail(await originalPixels(env, asset), "medium");
  const marked = await markCopy(
    env,
    small,
    {
      tenantId: request.tenantId,
      assetId: asset.id,
      contentId: subject.post?.id ?? null,
      creatorProfileId: asset.ownerProfileId,
      recipientProfileId: request.reviewerProfileId,
    },
    now,
  );
  await payloadInsert(db, marked.payloadRow);
  return ok({
    jpeg: await encodeJpeg(marked.pixels, 80),
    payloadId: marked.payloadId,
    width: marked.pixels.width,
    height: marked.pixels.height,
  });
}
