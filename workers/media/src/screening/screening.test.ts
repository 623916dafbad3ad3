import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import BRIDGE from "../../../../testdata/pdq/bridge-1-original.jpg";
import BRIDGE_SHRUNK from "../../../../testdata/pdq/bridge-shrink-a-lot.jpg";
import BRIDGE_SQUARE from "../../../../testdata/pdq/bridge-square-512x512.jpg";
import FLAT from "../../../../testdata/pdq/labelme-q0003.jpg";
import PEN from "../../../../testdata/pdq/pen-and-coaster.png";
import { pdqIndexEntry } from "../near-duplicates/pdq-index.repo";
import { scanAsset } from "./scan-asset";
import { eventsAbout, ingested, newCreator, reference, row, rows, storedUpload } from "./screening.testing";

// The index is global; each test starts from an empty one so earlier tests' uploads do not match.
beforeEach(async () => {
  await env.DB.prepare("DELETE FROM media_pdq_index").run();
});

const assetRow = (assetId: string) =>
  row<{ canonical_asset_id: string | null; duplicate_state: string | null; blocked_at: number | null }>(
    "SELECT canonical_asset_id, duplicate_state, blocked_at FROM media_asset WHERE id = ?",
    assetId,
  );

describe("re-upload screening at ingest", () => {
  it("indexes a new picture, links its creator's own re-upload and flags someone else's", async () => {
    const alice = await newCreator();
    const bob = await newCreator();
    const original = await ingested(alice, BRIDGE);
    expect(
      await row("SELECT kind, quality FROM media_pdq_index WHERE subject_id = ?", original.assetId),
    ).toEqual({
      kind: "asset",
      quality: 100,
    });
    expect(await assetRow(original.assetId)).toMatchObject({
      canonical_asset_id: null,
      duplicate_state: null,
    });

    const own = await ingested(alice, BRIDGE_SHRUNK);
    expect(await assetRow(own.assetId)).toMatchObject({
      canonical_asset_id: original.assetId,
      duplicate_state: "linked",
    });
    expect(await eventsAbout("fun.media.duplicate.detected", own.assetId)).toEqual([
      {
        assetId: own.assetId,
        canonicalAssetId: original.assetId,
        distance: 14,
        transform: "orig",
        action: "linked",
      },
    ]);
    expect(await rows("SELECT id FROM moderation_case WHERE asset_id = ?", own.assetId)).toEqual([]);

    const stolen = await ingested(bob, BRIDGE_SQUARE, { brand: "pupfanz" });
    expect(await assetRow(stolen.assetId)).toMatchObject({
      canonical_asset_id: original.assetId,
      duplicate_state: "flagged",
    });
    const flagged = await row<{ tenant_id: string; reason: string; state: string; details: string }>(
      "SELECT tenant_id, reason, state, details FROM moderation_case WHERE asset_id = ?",
      stolen.assetId,
    );
    expect(flagged).toMatchObject({ reason: "near_duplicate", state: "open" });
    // Flagged for the staff of the brand the copy came in through.
    expect(flagged?.tenant_id).toBe(
      (await row<{ tenant_id: string }>("SELECT tenant_id FROM media_asset WHERE id = ?", stolen.assetId))
        ?.tenant_id,
    );
    expect(JSON.parse(String(flagged?.details))).toMatchObject({
      canonicalAssetId: original.assetId,
      canonicalCreatorId: alice,
      distance: 2,
    });
    expect(await eventsAbout("fun.moderation.flagged", stolen.assetId)).toEqual([
      { subjectType: "asset", subjectId: stolen.assetId, reason: "near_duplicate", detector: "pdq" },
    ]);

    const unrelated = await ingested(bob, PEN, { mime: "image/png" });
    expect(await assetRow(unrelated.assetId)).toMatchObject({
      canonical_asset_id: null,
      duplicate_state: null,
    });
  });

  it("neither indexes nor matches a picture too flat to hash well (PDQ quality under 50)", async () => {
    const alice = await newCreator();
    const flat = await ingested(alice, FLAT);
    expect(reference("labelme-q0003.jpg").quality).toBeLessThan(50);
    expect(await row("SELECT subject_id FROM media_pdq_index WHERE subject_id = ?", flat.assetId)).toBeNull();
    const again = await ingested(alice, FLAT);
    const scan = await scanAsset(env, again.assetId);
    expect(scan).toMatchObject({ ok: true, value: { perceptual: false, duplicates: [] } });
    expect(await assetRow(again.assetId)).toMatchObject({ duplicate_state: null });
  });
});

describe("scanAsset", () => {
  it("finds a rotated or mirrored copy through the dihedral hashes and names the transform", async () => {
    const alice = await newCreator();
    const bob = await newCreator();
    const bridge = reference("bridge-1-original.jpg");
    // Bob's asset is the bridge turned a quarter: its PDQ is the reference's rot90 hash.
    const rotated = await storedUpload(bob, new Uint8Array([1, 2, 3]));
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO media_pdq_index (subject_id, kind, hash, quality, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )
      .bind(
        ...Object.values(pdqIndexEntry(rotated.assetId, "asset", bridge.pdq_dihedral_hex.rot90, 100, now)),
      )
      .run();

    const upload = await ingested(alice, BRIDGE);
    const scan = await scanAsset(env, upload.assetId);
    expect(scan.ok).toBe(true);
    if (!scan.ok) return;
    expect(scan.value).toMatchObject({
      threshold: 31,
      perceptual: true,
      knownBad: { matched: false },
      blocked: false,
      duplicates: [
        {
          assetId: rotated.assetId,
          contentId: rotated.contentId,
          creatorId: bob,
          distance: 0,
          transform: "rot90",
        },
      ],
    });
    // Ingest already flagged it, so scanning again changes nothing.
    expect(await assetRow(upload.assetId)).toMatchObject({
      canonical_asset_id: rotated.assetId,
      duplicate_state: "flagged",
    });
    expect(scan.value.actions).toEqual({ blocked: false, duplicate: null, indexed: true });
    expect(await rows("SELECT id FROM moderation_case WHERE asset_id = ?", upload.assetId)).toHaveLength(1);
  });

  it("reports at another threshold without acting, and refuses assets that are not fingerprinted", async () => {
    const alice = await newCreator();
    const bob = await newCreator();
    const original = await ingested(alice, BRIDGE);
    const shrunk = await storedUpload(bob, new Uint8Array(BRIDGE_SHRUNK));
    expect(await scanAsset(env, shrunk.assetId)).toEqual({ ok: false, error: "not_fingerprinted" });
    expect(await scanAsset(env, "ast_01JZ00000000000000000NONE")).toEqual({
      ok: false,
      error: "unknown_asset",
    });

    const tight = await ingested(bob, BRIDGE_SQUARE);
    await env.DB.prepare(
      "UPDATE media_asset SET canonical_asset_id = NULL, duplicate_state = NULL WHERE id = ?",
    )
      .bind(tight.assetId)
      .run();
    const look = await scanAsset(env, tight.assetId, { threshold: 1 });
    expect(look).toMatchObject({ ok: true, value: { threshold: 1, duplicates: [] } });
    const wider = await scanAsset(env, tight.assetId, { threshold: 40 });
    expect(wider).toMatchObject({
      ok: true,
      value: { duplicates: [{ assetId: original.assetId, distance: 2 }] },
    });
    expect(await assetRow(tight.assetId)).toMatchObject({ duplicate_state: null });
  });
});
