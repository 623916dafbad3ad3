import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import BRIDGE from "../../../../testdata/pdq/bridge-1-original.jpg";
import expected from "../../../../testdata/pdq/expected.json";
import PEN from "../../../../testdata/pdq/pen-and-coaster.png";
import { hammingDistance } from "./hamming";
import { consumeIngest, consumeIngestDeadLetters } from "./ingest.consumer";

let assets = 0;

/** A stored upload: a post of the demo creator, an asset row, and its bytes in the bucket. */
async function storedAsset(mime: string, bytes: Uint8Array | null) {
  const n = ++assets;
  const id = `ast_${String(n).padStart(22, "0")}TEST`;
  const contentId = `cnt_${String(n).padStart(22, "0")}TEST`;
  const key = `uploads/${id}`;
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) VALUES (?, ?, ?, 'Upload', 'public', ?, ?)",
    ).bind(contentId, SEED.profiles.creator.id, SEED.tenants.girlfanz.id, now, now),
    env.DB.prepare(
      "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'stored', ?, ?)",
    ).bind(
      id,
      contentId,
      SEED.profiles.creator.id,
      SEED.tenants.girlfanz.id,
      key,
      mime,
      bytes?.length ?? 0,
      now,
      now,
    ),
  ]);
  if (bytes) await env.MEDIA_BUCKET.put(key, bytes);
  return id;
}

const message = (assetId: string, n = 1, attempts = 1) => ({
  id: `ingest-${assetId}-${n}`,
  timestamp: new Date(),
  attempts,
  body: { assetId },
});

async function consume(messages: ReturnType<typeof message>[], environment: MediaEnv = env) {
  const batch = createMessageBatch("fun-media-ingest", messages);
  await consumeIngest(batch, environment);
  return getQueueResult(batch, createExecutionContext());
}

const fingerprintOf = (assetId: string) =>
  env.DB.prepare("SELECT * FROM media_fingerprint WHERE asset_id = ?")
    .bind(assetId)
    .first<Record<string, unknown>>();

describe("the ingest consumer", () => {
  it("fingerprints a stored image: SHA-256, PDQ with dihedrals, pHash, and the event through the outbox", async () => {
    const reference = expected.images.find((image) => image.file === "bridge-1-original.jpg");
    const id = await storedAsset("image/jpeg", new Uint8Array(BRIDGE));
    const result = await consume([message(id)]);
    expect(result.explicitAcks).toEqual([`ingest-${id}-1`]);
    const row = await fingerprintOf(id);
    expect(row).toMatchObject({
      status: "ready",
      sha256: reference?.sha256,
      width: 1600,
      height: 1004,
      mime: "image/jpeg",
    });
    expect(hammingDistance(String(row?.pdq), reference?.pdq_hex ?? "")).toBeLessThanOrEqual(10);
    expect(hammingDistance(String(row?.phash), reference?.phash_hex ?? "")).toBeLessThanOrEqual(4);
    expect(Object.keys(JSON.parse(String(row?.pdq_dihedral)))).toHaveLength(8);
    const asset = await env.DB.prepare(
      "SELECT checksum_sha256, perceptual_hash, width FROM media_asset WHERE id = ?",
    )
      .bind(id)
      .first();
    expect(asset).toEqual({ checksum_sha256: reference?.sha256, perceptual_hash: row?.pdq, width: 1600 });
    const events = await env.DB.prepare(
      "SELECT payload FROM outbox WHERE type = 'fun.media.fingerprint.ready'",
    ).all<{
      payload: string;
    }>();
    const data = events.results.map((event) => JSON.parse(event.payload).data).find((d) => d.assetId === id);
    expect(data).toMatchObject({ sha256: reference?.sha256, pdq: row?.pdq, phash: row?.phash });

    // A redelivery finds the work done and writes nothing more.
    expect((await consume([message(id, 2)])).explicitAcks).toHaveLength(1);
    const again = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox WHERE type = 'fun.media.fingerprint.ready' AND payload LIKE ?",
    )
      .bind(`%${id}%`)
      .first<{ n: number }>();
    expect(again?.n).toBe(1);
  });

  it("marks bad uploads failed with a reason, never retries them, and carries on with the batch", async () => {
    const truncated = await storedAsset("image/jpeg", new Uint8Array(BRIDGE).slice(0, 600));
    const mislabelled = await storedAsset("image/jpeg", new Uint8Array(PEN));
    const empty = await storedAsset("image/png", new Uint8Array());
    const missing = await storedAsset("image/png", null);
    const good = await storedAsset("image/png", new Uint8Array(PEN));
    const result = await consume([truncated, mislabelled, empty, missing, good].map((id) => message(id)));
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(5);
    const reasons = await Promise.all([truncated, mislabelled, empty, missing].map(fingerprintOf));
    expect(reasons.map((row) => row?.status)).toEqual(["failed", "failed", "failed", "failed"]);
    expect(reasons.map((row) => row?.failure_reason)).toEqual([
      expect.stringMatching(/corrupt or truncated/),
      "the file was declared image/jpeg but is image/png",
      "the file is empty",
      "the uploaded file is not in storage",
    ]);
    expect(await fingerprintOf(good)).toMatchObject({ status: "ready", width: 924, height: 735 });
  });

  it("hashes other files by streaming, with no perceptual hash", async () => {
    const bytes = new TextEncoder().encode("not really a video, but bytes all the same");
    const id = await storedAsset("video/mp4", bytes);
    await consume([message(id)]);
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) =>
      b.toString(16).padStart(2, "0"),
    ).join("");
    expect(await fingerprintOf(id)).toMatchObject({
      status: "ready",
      sha256: digest,
      pdq: null,
      phash: null,
    });
  });

  it("retries when storage fails, and marks the asset failed once the dead-letter queue has it", async () => {
    const id = await storedAsset("image/png", new Uint8Array(PEN));
    const broken = { ...env, MEDIA_BUCKET: { get: () => Promise.reject(new Error("storage unavailable")) } };
    const result = await consume([message(id, 1, 2)], broken as unknown as MediaEnv);
    expect(result.retryMessages.map((retry) => retry.msgId)).toEqual([`ingest-${id}-1`]);
    expect(await fingerprintOf(id)).toBeNull();

    const dead = createMessageBatch("fun-media-ingest-dlq", [message(id, 1, 5)]);
    await consumeIngestDeadLetters(dead, env);
    expect(await fingerprintOf(id)).toMatchObject({
      status: "failed",
      failure_reason: expect.stringMatching(/every try/),
    });
  });
});
