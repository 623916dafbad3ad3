import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import CHELSEA from "../../../../testdata/watermark/images/chelsea.jpg";
import { decodeImage } from "../fingerprint/decode";
import { consumeIngest } from "../fingerprint/ingest.consumer";
import { payloadHex } from "../forensic-marks/payload-id";
import { ingested, newCreator, publishOn, row, rows, storedUpload } from "../screening/screening.testing";
import { detectWatermark } from "../watermark/detect";
import { makeRenditions } from "./make-renditions";
import { consumeRenditions } from "./renditions.consumer";
import { TEASER_COLOURS } from "./teaser";

const GIRLFANZ = SEED.tenants.girlfanz.id;
const PUPFANZ = SEED.tenants.pupfanz.id;

interface VariantRow {
  id: string;
  kind: string;
  storage_key: string;
  payload_id: string | null;
  mime: string;
  width: number;
  height: number;
  bytes: number;
}

const variantsOf = (assetId: string, tenantId: string) =>
  rows<VariantRow>(
    "SELECT * FROM media_variant WHERE asset_id = ? AND tenant_id = ? AND recipient_profile_id IS NULL ORDER BY kind",
    assetId,
    tenantId,
  );

/** A rendition's plaintext, read back through the vault (decrypted, authenticated). */
async function renditionPixels(storageKey: string) {
  const body = await env.VAULT.openObject(storageKey);
  if (!body) throw new Error(`no object ${storageKey}`);
  return decodeImage(new Uint8Array(await new Response(body).arrayBuffer()));
}

async function keyOf(tenantId: string) {
  const { active, keys } = await env.VAULT.watermarkKeys(tenantId);
  const key = keys.find((k) => k.version === active)?.key;
  if (!key) throw new Error("no active key");
  return key;
}

describe("renditions per brand", () => {
  it("makes a public picture's watermarked full size and thumbnails, encrypted, marked with the brand's key", async () => {
    const creator = await newCreator();
    const { assetId, contentId } = await ingested(creator, CHELSEA);
    await publishOn(contentId, "girlfanz");

    expect(await makeRenditions(env, { assetId, tenantId: GIRLFANZ })).toMatchObject({
      status: "made",
      kinds: ["watermarked", "thumb", "thumb_small"],
    });
    const variants = await variantsOf(assetId, GIRLFANZ);
    expect(variants.map((v) => v.kind)).toEqual(["thumb", "thumb_small", "watermarked"]);
    const full = variants.find((v) => v.kind === "watermarked");
    const small = variants.find((v) => v.kind === "thumb_small");
    expect(full).toMatchObject({ mime: "image/jpeg", width: 451, height: 300 });
    expect(small).toMatchObject({ width: 240, height: 160 });
    // Stored through the vault: the bucket holds ciphertext only.
    const stored = await env.MEDIA_BUCKET.get(full?.storage_key ?? "");
    const head = new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0)).subarray(0, 3);
    expect([...head]).not.toEqual([0xff, 0xd8, 0xff]);

    // The published JPEG carries the payload ID, which names brand, creator and post.
    const pixels = await renditionPixels(full?.storage_key ?? "");
    const read = detectWatermark(pixels, await keyOf(GIRLFANZ));
    expect(read && payloadHex(read.payloadId)).toBe(full?.payload_id);
    expect(await row("SELECT * FROM watermark_payload WHERE id = ?", full?.payload_id)).toMatchObject({
      tenant_id: GIRLFANZ,
      asset_id: assetId,
      content_id: contentId,
      creator_profile_id: creator,
      recipient_profile_id: null,
    });
    // Another brand's key reads nothing.
    expect(detectWatermark(pixels, await keyOf(PUPFANZ))).toBeNull();
    // No teaser for a public post.
    expect(variants.some((v) => v.kind === "teaser")).toBe(false);
  });

  it("adds an unmarked, coarse teaser for a locked post", async () => {
    const creator = await newCreator();
    const { assetId, contentId } = await ingested(creator, CHELSEA, { visibility: "subscribers" });
    await publishOn(contentId, "girlfanz");
    await makeRenditions(env, { assetId, tenantId: GIRLFANZ });
    const teaser = (await variantsOf(assetId, GIRLFANZ)).find((v) => v.kind === "teaser");
    expect(teaser).toMatchObject({ payload_id: null, mime: "image/jpeg" });
    const pixels = await renditionPixels(teaser?.storage_key ?? "");
    // JPEG blurs block edges a little; the centre of each 32 px block keeps its flat colour.
    const centres = new Set<string>();
    for (let y = 16; y < pixels.height; y += 32)
      for (let x = 16; x < pixels.width; x += 32) {
        const i = (y * pixels.width + x) * 4;
        centres.add(
          [pixels.data[i], pixels.data[i + 1], pixels.data[i + 2]].map((v) => (v ?? 0) >> 4).join(),
        );
      }
    expect(centres.size).toBeLessThanOrEqual(TEASER_COLOURS * 2);
    expect(pixels.width).toBeLessThanOrEqual(12 * 32);
  });

  it("makes nothing where the post is not live, nor for blocked or taken-down media", async () => {
    const creator = await newCreator();
    const unpublished = await ingested(creator, CHELSEA, { published: false });
    expect(await makeRenditions(env, { assetId: unpublished.assetId, tenantId: GIRLFANZ })).toEqual({
      status: "skipped",
      reason: "not published on this brand",
    });
    const live = await ingested(creator, CHELSEA);
    await publishOn(live.contentId, "girlfanz");
    expect(await makeRenditions(env, { assetId: live.assetId, tenantId: PUPFANZ })).toMatchObject({
      status: "skipped",
    });
    await env.DB.prepare("UPDATE media_asset SET blocked_at = ? WHERE id = ?")
      .bind(Date.now(), live.assetId)
      .run();
    expect(await makeRenditions(env, { assetId: live.assetId, tenantId: GIRLFANZ })).toEqual({
      status: "skipped",
      reason: "blocked",
    });
    expect(await variantsOf(live.assetId, GIRLFANZ)).toEqual([]);
  });

  it("is idempotent through the queue: a redelivered message makes nothing twice", async () => {
    const creator = await newCreator();
    const { assetId, contentId } = await ingested(creator, CHELSEA);
    await publishOn(contentId, "girlfanz");
    await publishOn(contentId, "pupfanz");
    const message = { id: "r-1", timestamp: new Date(), attempts: 1, body: { assetId, tenantId: PUPFANZ } };
    for (const attempt of [1, 2]) {
      const batch = createMessageBatch("fun-media-renditions", [{ ...message, attempts: attempt }]);
      await consumeRenditions(batch, env);
      const result = await getQueueResult(batch, createExecutionContext());
      expect(result.explicitAcks).toEqual(["r-1"]);
    }
    const variants = await variantsOf(assetId, PUPFANZ);
    expect(variants.map((v) => v.kind)).toEqual(["thumb", "thumb_small", "watermarked"]);
    expect(await makeRenditions(env, { assetId, tenantId: PUPFANZ })).toEqual({ status: "already_done" });
    // Each brand marks its own copy with its own ID.
    await makeRenditions(env, { assetId, tenantId: GIRLFANZ });
    const girl = (await variantsOf(assetId, GIRLFANZ)).find((v) => v.kind === "watermarked");
    const pup = variants.find((v) => v.kind === "watermarked");
    expect(girl?.payload_id).toMatch(/^[0-9a-f]{16}$/);
    expect(girl?.payload_id).not.toBe(pup?.payload_id);
  });
});

describe("renditions after ingest", () => {
  it("queues a live post's renditions once its picture is fingerprinted", async () => {
    const creator = await newCreator();
    const sent: unknown[] = [];
    const recording = {
      ...env,
      MEDIA_RENDITIONS: {
        send: async (body: unknown) => void sent.push(body),
        sendBatch: async (messages: Iterable<{ body: unknown }>) => {
          for (const message of messages) sent.push(message.body);
        },
      } as unknown as Queue,
    };
    const { assetId } = await storedUpload(creator, new Uint8Array(CHELSEA), {
      published: true,
      alsoOn: ["daddyfanz"],
    });
    const batch = createMessageBatch("fun-media-ingest", [
      { id: "i-1", timestamp: new Date(), attempts: 1, body: { assetId } },
    ]);
    await consumeIngest(batch, recording);
    expect(sent).toEqual(
      expect.arrayContaining([
        { assetId, tenantId: GIRLFANZ },
        { assetId, tenantId: SEED.tenants.daddyfanz.id },
      ]),
    );
    expect(sent).toHaveLength(2);
  });
});
