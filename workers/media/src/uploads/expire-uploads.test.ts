import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import { expireUploads } from "./expire-uploads";
import {
  assetRow,
  fileOf,
  MAGIC,
  MiB,
  media,
  multipart,
  put,
  single,
  startUpload,
  uploadRow,
} from "./uploads.testing";

const expireNow = (assetId: string) =>
  env.DB.prepare("UPDATE media_upload SET expires_at = ? WHERE asset_id = ?")
    .bind(Date.now() - 1, assetId)
    .run();

describe("cleaning up abandoned uploads (the media worker's cron)", () => {
  it("aborts expired uploads in R2, deletes what arrived and marks their assets expired", async () => {
    const whole = fileOf(2048, MAGIC.png);
    const stalled = await startUpload({ mime: "image/png", bytes: whole.length });
    expect((await put(single(stalled.upload).url, whole)).status).toBe(200);

    const video = fileOf(11 * MiB, MAGIC.mp4);
    const partial = await startUpload({ mime: "video/mp4", bytes: video.length, partSize: 5 * MiB });
    const [first] = multipart(partial.upload).parts;
    expect((await put(first?.url ?? "", video.slice(0, 5 * MiB))).status).toBe(200);

    const fresh = await startUpload({ mime: "image/png", bytes: 100 });
    await expireNow(stalled.assetId);
    await expireNow(partial.assetId);
    const uploadId = (await uploadRow(partial.assetId))?.multipart_upload_id as string;

    await media().scheduled(createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }));

    for (const assetId of [stalled.assetId, partial.assetId]) {
      expect(await assetRow(assetId)).toMatchObject({
        upload_state: "expired",
        failure_reason: expect.any(String),
      });
      expect(await uploadRow(assetId)).toBeNull();
      expect(await env.MEDIA_BUCKET.head(`originals/${assetId}`)).toBeNull();
    }
    const parts = await env.DB.prepare("SELECT count(*) AS n FROM media_upload_part WHERE asset_id = ?")
      .bind(partial.assetId)
      .first<{ n: number }>();
    expect(parts?.n).toBe(0);
    // R2 no longer knows the multipart upload: its parts are gone with it.
    await expect(
      env.MEDIA_BUCKET.resumeMultipartUpload(`originals/${partial.assetId}`, uploadId).complete([]),
    ).rejects.toThrow();
    // An upload still within its time is left alone.
    expect(await assetRow(fresh.assetId)).toMatchObject({ upload_state: "uploading" });
    expect(await uploadRow(fresh.assetId)).not.toBeNull();
  });

  it("deletes again what a still-valid URL wrote after its upload failed or was aborted", async () => {
    const { assetId } = await startUpload({ mime: "image/png", bytes: 100 });
    const aborted = await media().abortUpload({ assetId, ownerProfileId: SEED.profiles.creator.id });
    expect(aborted).toEqual({ ok: true, value: { assetId, state: "aborted" } });
    // A presigned PUT made before the abort lands afterwards.
    await env.MEDIA_BUCKET.put(`originals/${assetId}`, fileOf(100, MAGIC.png));

    const report = await expireUploads(env);
    expect(report.swept).toBeGreaterThanOrEqual(1);
    expect(await env.MEDIA_BUCKET.head(`originals/${assetId}`)).toBeNull();
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "aborted" });
  });

  it("leaves stored assets' objects alone", async () => {
    const file = fileOf(2048, MAGIC.png);
    const { assetId, upload } = await startUpload({ mime: "image/png", bytes: file.length });
    expect((await put(single(upload).url, file)).status).toBe(200);
    const completed = await media().completeUpload({ assetId, ownerProfileId: SEED.profiles.creator.id });
    expect(completed.ok).toBe(true);
    await expireUploads(env, Date.now() + 48 * 60 * 60 * 1000);
    expect(await env.MEDIA_BUCKET.head(`originals/${assetId}`)).not.toBeNull();
    expect(await assetRow(assetId)).toMatchObject({ upload_state: "stored" });
  });
});
