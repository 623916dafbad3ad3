import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { callBrand, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { as, fingerprintedAsset, flipped, randomPdq } from "./media.testing";

const creator = SEED.profiles.creator.id;

describe("POST /v1/media/{assetId}/scan", () => {
  it("finds another creator's earlier copy on any brand, flags the re-upload and opens a case", async () => {
    const pdq = randomPdq();
    const other = await newPerson({ present: true, creator: true });
    const original = await fingerprintedAsset({ owner: other.profileId, pdq, brand: "daddyfanz" });
    const copy = await fingerprintedAsset({ owner: creator, pdq: flipped(pdq, 9) });

    const response = await callBrand(
      "POST",
      `/v1/media/${copy.assetId}/scan`,
      await as(SEED.accounts.creator.id),
      {},
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      assetId: copy.assetId,
      threshold: 31,
      perceptual: true,
      duplicates: [
        {
          assetId: original.assetId,
          contentId: original.contentId,
          creatorId: other.profileId,
          distance: 9,
          transform: "orig",
        },
      ],
      knownBad: { matched: false },
      blocked: false,
      duplicateOf: { assetId: original.assetId, action: "flagged" },
    });
    const modCase = await env.DB.prepare("SELECT reason, tenant_id FROM moderation_case WHERE asset_id = ?")
      .bind(copy.assetId)
      .first();
    expect(modCase).toEqual({ reason: "near_duplicate", tenant_id: SEED.tenants.girlfanz.id });

    // A second scan finds the same and decides nothing new.
    const again = await callBrand(
      "POST",
      `/v1/media/${copy.assetId}/scan`,
      await as(SEED.accounts.creator.id),
    );
    expect(await again.json()).toMatchObject({
      duplicateOf: null,
      duplicates: [{ assetId: original.assetId }],
    });
  });

  it("tells the uploader of a known-bad match without naming the list; trust & safety see the list", async () => {
    const pdq = randomPdq();
    const bad = await fingerprintedAsset({ owner: creator, pdq });
    const safety = await newPerson();
    await grantRole(safety.id, "safety");
    const imported = await callBrand("POST", "/v1/hashlists", await as(safety.id), {
      name: `scan list ${pdq.slice(0, 8)}`,
      kind: "pdq",
      source: "NCMEC",
      entries: flipped(pdq, 4),
    });
    expect(imported.status).toBe(201);
    expect(await imported.json()).toMatchObject({ added: 1, blockedAssetIds: [bad.assetId] });

    const byCreator = await callBrand(
      "POST",
      `/v1/media/${bad.assetId}/scan`,
      await as(SEED.accounts.creator.id),
    );
    expect(await byCreator.json()).toMatchObject({
      blocked: true,
      knownBad: { matched: true, detector: "pdq" },
    });
    const bySafety = await callBrand("POST", `/v1/media/${bad.assetId}/scan`, await as(safety.id));
    expect(await bySafety.json()).toMatchObject({
      blocked: true,
      knownBad: {
        matched: true,
        detector: "pdq",
        list: { name: `scan list ${pdq.slice(0, 8)}`, source: "NCMEC" },
      },
    });
  });

  it("answers 409 for an asset not fingerprinted yet, and 400 for a threshold out of range", async () => {
    const pending = await fingerprintedAsset({ owner: creator, pdq: randomPdq() });
    await env.DB.prepare("UPDATE media_fingerprint SET status = 'pending' WHERE asset_id = ?")
      .bind(pending.assetId)
      .run();
    const headers = await as(SEED.accounts.creator.id);
    await expectProblem(
      await callBrand("POST", `/v1/media/${pending.assetId}/scan`, headers),
      409,
      "conflict",
    );
    await expectProblem(
      await callBrand("POST", `/v1/media/${pending.assetId}/scan`, headers, { threshold: 48 }),
      400,
      "validation_failed",
    );
  });

  it("is for the uploader and staff of the asset's brands: others get 404, anonymous callers 401", async () => {
    const { assetId } = await fingerprintedAsset({ owner: creator, pdq: randomPdq() });
    const path = `/v1/media/${assetId}/scan`;
    await expectProblem(await callBrand("POST", path), 401, "unauthenticated");
    expect((await callBrand("POST", path, await as(SEED.accounts.staff.id))).status).toBe(200);
    await expectProblem(await callBrand("POST", path, await as(SEED.accounts.fan.id)), 404, "not_found");
    const otherCreator = await newPerson({ present: true, creator: true });
    await expectProblem(await callBrand("POST", path, await as(otherCreator.id)), 404, "not_found");
    const pupStaff = await newPerson({ present: true });
    await grantRole(pupStaff.id, "staff", "pupfanz");
    await expectProblem(
      await callBrand("POST", path, await as(pupStaff.id, "pupfanz"), undefined, "pupfanz"),
      404,
      "not_found",
    );
    // A token for another brand is not accepted here.
    await expectProblem(
      await callBrand("POST", path, await as(SEED.accounts.creator.id, "pupfanz")),
      401,
      "unauthenticated",
    );
  });
});
