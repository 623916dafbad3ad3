import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import { consumeIngest } from "../fingerprint/ingest.consumer";
import {
  assetRow,
  fileOf,
  MAGIC,
  MiB,
  media,
  multipart,
  put,
  sha256Hex,
  single,
  startUpload,
  uploadRow,
} from "./uploads.testing";

const owner = SEED.profiles.creator.id;
const key = (assetId: string) => `originals/${assetId}`;

describe("completing an upload in the media worker", () => {
  it("stores the asset with its SHA-256 and hands it to the ingest consumer's contract", async () => {
    const file = fileOf(6 * MiB, MAGIC.mp4);
    const sha256 = await sha256Hex(file);
    const { assetId, upload } = await startUpload({ mime: "video/mp4", bytes: file.length, sha256 });
    expect((await put(single(upload).url, file)).status).toBe(200);
    const done = await media().completeUpload({ assetId, ownerProfileId: owner });
    expect(done).toEqual({
      ok: true,
      value: { assetId, contentId: null, state: "stored", mime: "video/mp4", bytes: file.length, sha256 },
    });
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "stored", checksum_sha256: sha256 });
    // The consumer reads the object at the asset's storage key and fingerprints the same bytes.
    const batch = createMessageBatch("fun-media-ingest", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { assetId } },
    ]);
    await consumeIngest(batch, env);
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(["m1"]);
    const fingerprint = await env.DB.prepare(
      "SELECT status, sha256 FROM media_fingerprint WHERE asset_id = ?",
    )
      .bind(assetId)
      .first();
    expect(fingerprint).toEqual({ status: "ready", sha256 });
  });

  it("fails an object of the wrong size (written with storage credentials, not our URLs) and deletes it", async () => {
    const { assetId } = await startUpload({ mime: "image/png", bytes: 5000 });
    await env.MEDIA_BUCKET.put(key(assetId), fileOf(4000, MAGIC.png));
    const done = await media().completeUpload({ assetId, ownerProfileId: owner });
    expect(done).toEqual({
      ok: false,
      error: {
        code: "unprocessable_content",
        detail: "The upload was refused: the file is 4000 bytes but 5000 were declared.",
      },
    });
    expect(await env.MEDIA_BUCKET.head(key(assetId))).toBeNull();
    expect(await assetRow(assetId)).toMatchObject({
      upload_state: "failed",
      failure_reason: "the file is 4000 bytes but 5000 were declared",
    });
    expect(await uploadRow(assetId)).toBeNull();
  });

  it("deletes the bytes of a type mismatch and of a checksum mismatch", async () => {
    const png = await startUpload({ mime: "video/mp4", bytes: 4096 });
    expect((await put(single(png.upload).url, fileOf(4096, MAGIC.png))).status).toBe(200);
    expect(await media().completeUpload({ assetId: png.assetId, ownerProfileId: owner })).toMatchObject({
      ok: false,
      error: { code: "unprocessable_content" },
    });
    expect(await env.MEDIA_BUCKET.head(key(png.assetId))).toBeNull();

    const declared = "0".repeat(64);
    const video = fileOf(11 * MiB, MAGIC.mp4);
    const parts = await startUpload({
      mime: "video/mp4",
      bytes: video.length,
      sha256: declared,
      partSize: 5 * MiB,
    });
    for (const part of multipart(parts.upload).parts) {
      const from = (part.partNumber - 1) * 5 * MiB;
      expect((await put(part.url, video.slice(from, from + part.bytes))).status).toBe(200);
    }
    const refused = await media().completeUpload({ assetId: parts.assetId, ownerProfileId: owner });
    expect(refused).toMatchObject({
      ok: false,
      error: { detail: expect.stringContaining(`but ${declared} was declared`) },
    });
    expect(await env.MEDIA_BUCKET.head(key(parts.assetId))).toBeNull();
    expect(await assetRow(parts.assetId)).toMatchObject({ upload_state: "failed" });
  });

  it("answers not found for another owner's asset and leaves it as it was", async () => {
    const { assetId } = await startUpload({ mime: "image/png", bytes: 100 });
    expect(await media().completeUpload({ assetId, ownerProfileId: SEED.profiles.fan.id })).toEqual({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await media().abortUpload({ assetId, ownerProfileId: SEED.profiles.fan.id })).toEqual({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "uploading" });
  });
});
