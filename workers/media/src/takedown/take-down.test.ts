import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import CHELSEA from "../../../../testdata/watermark/images/chelsea.jpg";
import ROCKET from "../../../../testdata/watermark/images/rocket.jpg";
import { decodeImage } from "../fingerprint/decode";
import { encodeJpeg } from "../renditions/encode-jpeg";
import { makeRenditions } from "../renditions/make-renditions";
import { eventsAbout, ingested, newCreator, publishOn, row, rows } from "../screening/screening.testing";
import { takeDown } from "./take-down";

const GIRLFANZ = SEED.tenants.girlfanz.id;
const STAFF_ACCOUNT = SEED.accounts.staff.id;

/** The same picture as a re-encoded file (different bytes, same PDQ neighbourhood). */
async function reencoded(file: ArrayBuffer): Promise<ArrayBuffer> {
  const jpeg = await encodeJpeg(await decodeImage(new Uint8Array(file)), 70);
  return jpeg.buffer.slice(jpeg.byteOffset, jpeg.byteOffset + jpeg.byteLength) as ArrayBuffer;
}

describe("takedown", () => {
  it("takes an asset down on every brand: recorded, blocked, post hidden, hashes listed, event", async () => {
    const creator = await newCreator();
    const { assetId, contentId } = await ingested(creator, CHELSEA);
    await publishOn(contentId, "girlfanz");
    await publishOn(contentId, "pupfanz");
    await makeRenditions(env, { assetId, tenantId: GIRLFANZ });

    const taken = await takeDown(env, {
      assetId,
      actor: "creator",
      accountId: STAFF_ACCOUNT,
      tenantId: null,
      reason: "leaked",
    });
    if (!taken.ok) throw new Error(taken.error);
    expect(taken.value).toMatchObject({
      assetId,
      contentId,
      actor: "creator",
      created: true,
      revokedVariants: 3,
    });
    expect(await row("SELECT actor, reason FROM media_takedown WHERE asset_id = ?", assetId)).toEqual({
      actor: "creator",
      reason: "leaked",
    });
    expect(
      await row("SELECT moderation_state FROM media_asset WHERE id = ? AND blocked_at IS NOT NULL", assetId),
    ).toEqual({
      moderation_state: "rejected",
    });
    expect(
      (
        await rows<{ status: string }>(
          "SELECT status FROM content_tenant_map WHERE content_id = ?",
          contentId,
        )
      ).map((r) => r.status),
    ).toEqual(["hidden", "hidden"]);
    expect(await eventsAbout("fun.media.taken_down", assetId)).toEqual([
      { assetId, contentId, creatorId: creator, actor: "creator", reason: "leaked" },
    ]);
    const lists = await rows<{ name: string; purpose: string; entry_count: number }>(
      "SELECT l.name, l.purpose, l.entry_count FROM known_bad_list l JOIN known_bad_hash h ON h.list_id = l.id JOIN media_fingerprint f ON h.hash IN (f.md5, f.pdq) WHERE f.asset_id = ? ORDER BY l.name",
      assetId,
    );
    expect(lists.map((l) => [l.name, l.purpose])).toEqual([
      ["Takedowns (MD5)", "takedown"],
      ["Takedowns (PDQ)", "takedown"],
    ]);

    // Again: the first takedown stands.
    const again = await takeDown(env, {
      assetId,
      actor: "staff",
      accountId: STAFF_ACCOUNT,
      tenantId: GIRLFANZ,
      reason: "again",
    });
    expect(again.ok && again.value).toMatchObject({
      takedownId: taken.value.takedownId,
      created: false,
      actor: "creator",
    });
  });

  it("refuses re-uploads of the picture, altered or not, and blocks copies already stored", async () => {
    const creator = await newCreator();
    const leaker = await newCreator();
    // Each test takes down its own picture: the takedown lists are shared by the whole file.
    const original = await ingested(creator, ROCKET);
    // Someone else's copy, uploaded before the takedown.
    const earlierCopy = await ingested(leaker, await reencoded(ROCKET));
    const taken = await takeDown(env, {
      assetId: original.assetId,
      actor: "staff",
      accountId: STAFF_ACCOUNT,
      tenantId: GIRLFANZ,
      reason: "rights holder request",
    });
    expect(taken.ok && taken.value.blockedCopies).toEqual([earlierCopy.assetId]);

    // A re-encoded re-upload after the takedown is blocked by ingest, with the reason, and no safety report.
    const later = await ingested(leaker, await reencoded(ROCKET));
    expect(
      await row(
        "SELECT moderation_state, failure_reason FROM media_asset WHERE id = ? AND blocked_at IS NOT NULL",
        later.assetId,
      ),
    ).toEqual({
      moderation_state: "rejected",
      failure_reason: "this picture was taken down and may not be uploaded again",
    });
    expect(await row("SELECT id FROM safety_report WHERE asset_id = ?", later.assetId)).toBeNull();
    expect(await eventsAbout("fun.moderation.flagged", later.assetId)).toEqual([
      expect.objectContaining({ reason: "takedown_match", subjectId: later.assetId }),
    ]);
  });

  it("answers unknown_asset for an asset that does not exist", async () => {
    expect(
      await takeDown(env, {
        assetId: "ast_01JZZZZZZZZZZZZZZZZZZZZZZZ",
        actor: "safety",
        accountId: STAFF_ACCOUNT,
        tenantId: null,
        reason: "x",
      }),
    ).toEqual({ ok: false, error: "unknown_asset" });
  });
});
