import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import CHELSEA from "../../../../testdata/watermark/images/chelsea.jpg";
import { decodeImage } from "../fingerprint/decode";
import { encodeJpeg } from "../renditions/encode-jpeg";
import { ingested, newCreator, publishOn, row } from "../screening/screening.testing";
import { traceImage } from "../screening/trace-image";
import { applyWatermark } from "./apply-watermark";

const PUPFANZ = SEED.tenants.pupfanz.id;

async function copyBytes(variantId: string): Promise<Uint8Array> {
  const variant = await row<{ storage_key: string }>(
    "SELECT storage_key FROM media_variant WHERE id = ?",
    variantId,
  );
  const body = await env.VAULT.openObject(variant?.storage_key ?? "");
  if (!body) throw new Error(`no stored copy for ${variantId}`);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

describe("per-buyer watermarked copies", () => {
  it("marks a copy for one buyer, traced back to them from the leaked JPEG", async () => {
    const creator = await newCreator();
    const buyer = await newCreator();
    const { assetId, contentId } = await ingested(creator, CHELSEA, { brand: "pupfanz" });
    await publishOn(contentId, "pupfanz");

    const applied = await applyWatermark(env, { assetId, tenantId: PUPFANZ, recipientProfileId: buyer });
    if (!applied.ok) throw new Error(applied.error);
    expect(
      await row(
        "SELECT kind, recipient_profile_id, payload_id FROM media_variant WHERE id = ?",
        applied.value.variantId,
      ),
    ).toEqual({
      kind: "watermarked",
      recipient_profile_id: buyer,
      payload_id: applied.value.payloadId,
    });

    const traced = await traceImage(env, await copyBytes(applied.value.variantId));
    if (!traced.ok) throw new Error(traced.error);
    expect(traced.value.watermark).toMatchObject({
      payloadId: applied.value.payloadId,
      tenant: "pupfanz",
      creatorId: creator,
      contentId,
      assetId,
      recipientProfileId: buyer,
    });
    // The same picture, found by PDQ too.
    expect(traced.value.matches.map((m) => m.assetId)).toContain(assetId);

    // Asking again answers the same copy; another buyer gets their own ID.
    const again = await applyWatermark(env, { assetId, tenantId: PUPFANZ, recipientProfileId: buyer });
    expect(again).toEqual(applied);
    const other = await applyWatermark(env, { assetId, tenantId: PUPFANZ, recipientProfileId: creator });
    expect(other.ok && other.value.payloadId).not.toBe(applied.value.payloadId);
  });

  it("without a recipient answers the brand's own rendition", async () => {
    const creator = await newCreator();
    const { assetId, contentId } = await ingested(creator, CHELSEA, { brand: "pupfanz" });
    await publishOn(contentId, "pupfanz");
    const applied = await applyWatermark(env, { assetId, tenantId: PUPFANZ, recipientProfileId: null });
    if (!applied.ok) throw new Error(applied.error);
    expect(
      await row("SELECT recipient_profile_id FROM watermark_payload WHERE id = ?", applied.value.payloadId),
    ).toEqual({ recipient_profile_id: null });
  });

  it("refuses a picture not published on the brand", async () => {
    const creator = await newCreator();
    const { assetId } = await ingested(creator, CHELSEA, { brand: "pupfanz" });
    expect(await applyWatermark(env, { assetId, tenantId: PUPFANZ, recipientProfileId: null })).toEqual({
      ok: false,
      error: "not_published",
    });
  });

  it("reads no watermark in an unmarked picture", async () => {
    const traced = await traceImage(env, new Uint8Array(CHELSEA));
    expect(traced.ok && traced.value.watermark).toBeNull();
    // Nor in a re-encode of it.
    const reencoded = await encodeJpeg(await decodeImage(new Uint8Array(CHELSEA)), 75);
    const again = await traceImage(env, reencoded);
    expect(again.ok && again.value.watermark).toBeNull();
  });
});
