import { WorkerEntrypoint } from "cloudflare:workers";
import { checkD1, checkR2, type HealthReport, type InternalWorker, runHealthChecks } from "@fun/contracts";
import { createCoreDb } from "@fun/db";
import { type ApiEnv, createApi } from "@fun/http";
import {
  consumeIngest,
  consumeIngestDeadLetters,
  INGEST_DEAD_LETTER_QUEUE,
  INGEST_QUEUE,
} from "./fingerprint/ingest.consumer";
import { applyWatermark } from "./forensic-marks/apply-watermark";
import { reviewPreview } from "./forensic-marks/review-preview";
import { addKnownBadEntries, createKnownBadList } from "./known-bad/import-list";
import { findList, listLists } from "./known-bad/known-bad.repo";
import {
  consumeRenditionDeadLetters,
  consumeRenditions,
  RENDITIONS_DEAD_LETTER_QUEUE,
  RENDITIONS_QUEUE,
  requestRenditions,
} from "./renditions/renditions.consumer";
import { scanAsset } from "./screening/scan-asset";
import { traceImage } from "./screening/trace-image";
import { type TakedownRequest, takeDown } from "./takedown/take-down";
import { abortUpload } from "./uploads/abort-upload";
import { type CompleteUploadInput, completeUpload } from "./uploads/complete-upload";
import { expireUploads } from "./uploads/expire-uploads";
import { getUpload, type UploadStatusInput } from "./uploads/get-upload";
import { type InitUploadInput, initUpload } from "./uploads/init-upload";
import { registerReceiveUpload, requireUploadLength, uploadBodyLimit } from "./uploads/receive-upload.route";

/**
 * The media worker. Its HTTP side serves the upload host (direct uploads land here when presigned R2
 * URLs are not configured); its RPC side is called by the gateway. The ingest routes and queue
 * consumers arrive with the media issues.
 */
export function createMediaApp() {
  const app = createApi<ApiEnv<MediaEnv>>({
    service: "media",
    acceptRequestId: true,
    beforeRouting: [requireUploadLength],
    maxBodyBytesFor: uploadBodyLimit,
  });
  registerReceiveUpload(app);
  return app;
}

const app = createMediaApp();

export default class MediaWorker extends WorkerEntrypoint<MediaEnv> implements InternalWorker {
  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(app.fetch(request, this.env, this.ctx));
  }

  /** The ingest and renditions queues and their dead-letter queues. */
  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    if (batch.queue === INGEST_DEAD_LETTER_QUEUE) return consumeIngestDeadLetters(batch, this.env);
    if (batch.queue === INGEST_QUEUE) return consumeIngest(batch, this.env);
    if (batch.queue === RENDITIONS_QUEUE) return consumeRenditions(batch, this.env);
    if (batch.queue === RENDITIONS_DEAD_LETTER_QUEUE) return consumeRenditionDeadLetters(batch);
    throw new Error(`the media worker consumes no queue named ${batch.queue}`);
  }

  /** Abandoned uploads are cleaned up on the cron (src/uploads/expire-uploads.ts). */
  override async scheduled(_controller: ScheduledController): Promise<void> {
    const report = await expireUploads(this.env);
    console.log(JSON.stringify({ service: "media", cron: "expire-uploads", ...report }));
  }

  // Direct uploads (src/uploads): the gateway has checked the caller owns what they upload to.

  /** Starts uploads through a brand: assets recorded as uploading, and signed URLs to send them to. */
  initUpload(input: InitUploadInput) {
    return initUpload(this.env, input);
  }

  /** Checks the uploaded bytes and stores the asset (queued for fingerprinting), or fails it. */
  completeUpload(input: CompleteUploadInput) {
    return completeUpload(this.env, input);
  }

  /** An upload's state, the parts received and fresh URLs for the rest. */
  getUpload(input: UploadStatusInput) {
    return getUpload(this.env, input);
  }

  abortUpload(input: { assetId: string; ownerProfileId: string }) {
    return abortUpload(this.env, input);
  }

  // Renditions and forensic marks (src/renditions, src/forensic-marks).

  /** Queues a post's renditions on the brands it is live on (after a publication or cross-post). */
  requestRenditions(request: { contentId: string; tenantIds?: string[] }) {
    return requestRenditions(this.env, request);
  }

  /** A watermarked copy for a brand, or for one recipient (a buyer's own mark); the caller checked who may ask. */
  applyWatermark(request: { assetId: string; tenantId: string; recipientProfileId: string | null }) {
    return applyWatermark(this.env, request);
  }

  /** A small, reviewer-marked rendition for compliance review (never stored); the caller checked who may. */
  reviewPreview(request: { assetId: string; tenantId: string; reviewerProfileId: string }) {
    return reviewPreview(this.env, request);
  }

  /** Takes an asset down everywhere (src/takedown); the caller checked who may. */
  takeDown(request: TakedownRequest) {
    return takeDown(this.env, request);
  }

  // Screening: near-duplicates, known-bad lists and the takedown trace (src/screening, src/known-bad).

  /** Screens a fingerprinted asset again and applies the re-upload and known-bad policies. */
  scanAsset(assetId: string, options: { threshold?: number } = {}) {
    return scanAsset(this.env, assetId, options);
  }

  /** Which assets an image (given as its bytes) is: exact copies and the same picture, every brand. */
  traceImage(bytes: Uint8Array) {
    return traceImage(this.env, bytes);
  }

  createKnownBadList(input: Parameters<typeof createKnownBadList>[1]) {
    return createKnownBadList(this.env, input);
  }

  addKnownBadEntries(listId: string, entries: string) {
    return addKnownBadEntries(this.env, listId, entries);
  }

  listKnownBadLists() {
    return listLists(createCoreDb(this.env.DB));
  }

  getKnownBadList(listId: string) {
    return findList(createCoreDb(this.env.DB), listId);
  }

  health(): Promise<HealthReport> {
    return runHealthChecks("media", {
      db: () => checkD1(this.env.DB),
      mediaBucket: () => checkR2(this.env.MEDIA_BUCKET),
    });
  }
}
