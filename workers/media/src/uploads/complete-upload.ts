import { err, ok, type Result, toHex } from "@fun/core";
import { type CoreDb, createCoreDb, mediaAsset, mediaFingerprint, mediaTakedown } from "@fun/db";
import { eq } from "drizzle-orm";
import type { IngestMessage } from "../fingerprint/ingest.consumer";
import { brandMedia, refusedSize, refusedType } from "./media-limits";
import { declaredTypeMatches, SNIFF_BYTES, sniffMediaType } from "./sniff-type";
import { type AssetRow, endUpload, findOwnedAsset, recordedParts, type UploadRow } from "./uploads.repo";

export interface CompleteUploadInput {
  assetId: string;
  ownerProfileId: string;
  /** The ETag of every part, as R2 answered each part's PUT; needed for presigned multipart uploads. */
  parts?: { partNumber: number; etag: string }[] | null;
}

export interface StoredAsset {
  assetId: string;
  contentId: string | null;
  state: "stored";
  mime: string;
  bytes: number;
  sha256: string;
}

export type CompleteUploadError =
  | { code: "not_found" }
  | { code: "conflict"; detail: string }
  | { code: "validation_failed"; errors: { path: string; message: string }[] }
  /** The bytes are not what was declared or allowed: the asset is now failed and its object gone. */
  | { code: "unprocessable_content"; detail: string };

const stored = (asset: AssetRow, sha256: string): StoredAsset => ({
  assetId: asset.id,
  contentId: asset.contentId,
  state: "stored",
  mime: asset.mime,
  bytes: asset.bytes,
  sha256,
});

async function enqueueIngest(env: MediaEnv, assetId: string): Promise<void> {
  const message: IngestMessage = { assetId };
  await env.MEDIA_INGEST.send(message, { contentType: "json" });
}

/** SHA-256 of an object, streamed through the digest (never the whole file in memory). */
async function streamedSha256(body: ReadableStream<Uint8Array>): Promise<string> {
  const digest = new crypto.DigestStream("SHA-256");
  await body.pipeTo(digest);
  return toHex(new Uint8Array(await digest.digest));
}

/**
 * Finishes an upload: assembles a multipart upload, then checks the stored bytes against what was
 * declared and what the brand allows — size, real type (magic bytes), SHA-256 (streamed) — and
 * either stores the asset and queues it for fingerprinting, or marks it failed with the reason and
 * deletes the object. An upload whose bytes have not all arrived stays open (409) so the client can
 * send what is missing. Completing a stored asset again answers the same (and queues it again if
 * fingerprinting never started), so a client may retry after a lost answer.
 */
export async function completeUpload(
  env: MediaEnv,
  input: CompleteUploadInput,
  now = Date.now(),
): Promise<Result<StoredAsset, CompleteUploadError>> {
  const db = createCoreDb(env.DB);
  const found = await findOwnedAsset(db, input.assetId, input.ownerProfileId);
  if (!found) return err({ code: "not_found" });
  const { asset, upload } = found;
  if (asset.uploadState === "stored") return completedAgain(env, db, asset);
  if (asset.uploadState !== "uploading" || !upload)
    return err({ code: "conflict", detail: endedDetail(asset) });
  if (upload.expiresAt <= now)
    return err({ code: "conflict", detail: "The upload has expired; start a new one with ingest:init." });

  const assembled = await assemble(env, db, asset, upload, input.parts ?? null);
  if (!assembled.ok) return assembled;

  const verdict = await verify(env, db, asset, upload);
  if (!verdict.ok) {
    await env.MEDIA_BUCKET.delete(asset.storageKey);
    await db.batch(endUpload(db, asset.id, { uploadState: "failed", failureReason: verdict.error }, now));
    return err({ code: "unprocessable_content", detail: `The upload was refused: ${verdict.error}.` });
  }
  const { sha256 } = verdict.value;
  await db.batch(
    endUpload(db, asset.id, { uploadState: "stored", checksumSha256: sha256, failureReason: null }, now),
  );
  // After the batch: a failed send leaves a stored asset that a retried completion queues again.
  await enqueueIngest(env, asset.id);
  return ok(stored(asset, sha256));
}

async function completedAgain(env: MediaEnv, db: CoreDb, asset: AssetRow) {
  const fingerprint = await db
    .select({ status: mediaFingerprint.status })
    .from(mediaFingerprint)
    .where(eq(mediaFingerprint.assetId, asset.id))
    .get();
  if (!fingerprint) await enqueueIngest(env, asset.id);
  return ok(stored(asset, asset.checksumSha256 ?? ""));
}

function endedDetail(asset: AssetRow): string {
  switch (asset.uploadState) {
    case "failed":
      return `The upload failed: ${asset.failureReason ?? "see the asset"}. Start a new one with ingest:init.`;
    case "aborted":
      return "The upload was aborted; start a new one with ingest:init.";
    default:
      return "The upload has expired; start a new one with ingest:init.";
  }
}

type Assembled = Result<true, CompleteUploadError>;

/** Makes sure the whole file is one object in R2: there already, or assembled from its parts now. */
async function assemble(
  env: MediaEnv,
  db: CoreDb,
  asset: AssetRow,
  upload: UploadRow,
  claimed: { partNumber: number; etag: string }[] | null,
): Promise<Assembled> {
  // Already there: a whole-file PUT arrived, or an earlier completion assembled the parts.
  if (await env.MEDIA_BUCKET.head(asset.storageKey)) return ok(true);
  if (upload.multipartUploadId === null)
    return err({
      code: "conflict",
      detail: "Nothing has been uploaded yet: PUT the file to its upload URL, then complete.",
    });
  const parts = await partsToAssemble(db, upload, claimed);
  if (!parts.ok) return parts;
  try {
    await env.MEDIA_BUCKET.resumeMultipartUpload(asset.storageKey, upload.multipartUploadId).complete(
      parts.value,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(
      JSON.stringify({ service: "media", assetId: asset.id, message: "multipart complete refused", reason }),
    );
    return err({
      code: "conflict",
      detail:
        "Storage could not assemble the parts: check that every part was uploaded and that each ETag is the one its PUT answered.",
    });
  }
  return ok(true);
}

async function partsToAssemble(
  db: CoreDb,
  upload: UploadRow,
  claimed: { partNumber: number; etag: string }[] | null,
): Promise<Result<R2UploadedPart[], CompleteUploadError>> {
  const recorded = new Map((await recordedParts(db, upload.assetId)).map((p) => [p.partNumber, p.etag]));
  const byNumber = new Map(recorded);
  if (claimed) {
    const errors: { path: string; message: string }[] = [];
    claimed.forEach((part, i) => {
      const etag = part.etag.replaceAll('"', "");
      if (part.partNumber < 1 || part.partNumber > upload.partCount)
        errors.push({
          path: `parts.${i}.partNumber`,
          message: `this upload has parts 1 to ${upload.partCount}`,
        });
      else if (recorded.has(part.partNumber) && recorded.get(part.partNumber) !== etag)
        errors.push({
          path: `parts.${i}.etag`,
          message: `part ${part.partNumber} was received with another ETag`,
        });
      else byNumber.set(part.partNumber, etag);
    });
    if (errors.length > 0) return err({ code: "validation_failed", errors });
  }
  const missing: number[] = [];
  for (let n = 1; n <= upload.partCount; n++) if (!byNumber.has(n)) missing.push(n);
  if (missing.length > 0) {
    const shown = missing.length > 20 ? `${missing.slice(0, 20).join(", ")}, …` : missing.join(", ");
    return err({
      code: "conflict",
      detail:
        upload.transport === "r2-s3"
          ? `Send the ETag of every part in "parts"; missing: part ${shown}.`
          : `Not every part has arrived; missing: part ${shown}. Upload them, then complete.`,
    });
  }
  return ok([...byNumber].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag })));
}

/**
 * Whether these exact bytes are a taken-down asset's: refused at once. Altered copies (re-encoded,
 * resized) are caught after fingerprinting by the takedown hash lists.
 */
async function wasTakenDown(db: CoreDb, sha256: string): Promise<boolean> {
  const found = await db
    .select({ id: mediaTakedown.id })
    .from(mediaTakedown)
    .innerJoin(mediaAsset, eq(mediaAsset.id, mediaTakedown.assetId))
    .where(eq(mediaAsset.checksumSha256, sha256))
    .limit(1)
    .get();
  return found !== undefined;
}

/** What is wrong with the stored bytes, in words the uploader can act on; or their SHA-256. */
async function verify(
  env: MediaEnv,
  db: CoreDb,
  asset: AssetRow,
  upload: UploadRow,
): Promise<Result<{ sha256: string }, string>> {
  const head = await env.MEDIA_BUCKET.get(asset.storageKey, { range: { offset: 0, length: SNIFF_BYTES } });
  if (!head) return err("the uploaded file is not in storage");
  if (head.size !== asset.bytes)
    return err(`the file is ${head.size} bytes but ${asset.bytes} were declared`);
  const sniffed = sniffMediaType(new Uint8Array(await head.arrayBuffer()));
  if (!sniffed) return err(`the file was declared ${asset.mime} but its bytes are not a type we recognise`);
  if (!declaredTypeMatches(asset.mime, sniffed))
    return err(`the file was declared ${asset.mime} but its bytes are ${sniffed}`);
  const brand = await brandMedia(db, asset.tenantId);
  const refused = refusedType(brand, sniffed) ?? refusedSize(brand, sniffed, head.size);
  if (refused) return err(refused);
  const whole = await env.MEDIA_BUCKET.get(asset.storageKey);
  if (!whole) return err("the uploaded file is not in storage");
  const sha256 = await streamedSha256(whole.body);
  if (upload.declaredSha256 && upload.declaredSha256 !== sha256)
    return err(`the file's SHA-256 is ${sha256} but ${upload.declaredSha256} was declared`);
  if (await wasTakenDown(db, sha256)) return err("this file was taken down and may not be uploaded again");
  return ok({ sha256 });
}
