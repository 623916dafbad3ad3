import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callBrand, expectProblem, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";

let assets = 0;
const PDQ = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";
const dihedral = Object.fromEntries(
  ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"].map((t, i) => [
    t,
    `${i}`.repeat(64),
  ]),
);

/** A post of the demo creator on girlfanz with one asset, fingerprinted or not. */
async function asset(fingerprinted: boolean) {
  const n = ++assets;
  const id = `ast_${String(n).padStart(22, "0")}FPRT`;
  const contentId = `cnt_${String(n).padStart(22, "0")}FPRT`;
  const now = Date.now();
  const statements = [
    env.DB.prepare(
      "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) VALUES (?, ?, ?, 'Photo', 'public', ?, ?)",
    ).bind(contentId, SEED.profiles.creator.id, SEED.tenants.girlfanz.id, now, now),
    env.DB.prepare(
      "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'image/jpeg', 361182, 'stored', ?, ?)",
    ).bind(id, contentId, SEED.profiles.creator.id, SEED.tenants.girlfanz.id, `uploads/${id}`, now, now),
  ];
  if (fingerprinted) {
    statements.push(
      env.DB.prepare(
        "INSERT INTO media_fingerprint (asset_id, status, sha256, pdq, pdq_quality, pdq_dihedral, phash, mime, bytes, width, height, created_at, updated_at) VALUES (?, 'ready', ?, ?, 100, ?, 'aca29c1c33dc23d7', 'image/jpeg', 361182, 1600, 1004, ?, ?)",
      ).bind(id, "b".repeat(64), PDQ, JSON.stringify(dihedral), now, now),
    );
  }
  await env.DB.batch(statements);
  return id;
}

const as = async (accountId: string, brand: keyof typeof SEED.tenants = "girlfanz") =>
  bearer(await accessToken({ accountId, brand }));

describe("GET /v1/media/{assetId}/fingerprint", () => {
  it("gives the post's creator the fingerprints in the documented shape, and pending before they exist", async () => {
    const id = await asset(true);
    const response = await callBrand(
      "GET",
      `/v1/media/${id}/fingerprint`,
      await as(SEED.accounts.creator.id),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      assetId: id,
      status: "ready",
      sha256: "b".repeat(64),
      pdq: { hash: PDQ, quality: 100, dihedral: Object.values(dihedral) },
      phash: "aca29c1c33dc23d7",
      width: 1600,
      height: 1004,
      mime: "image/jpeg",
      bytes: 361182,
      failureReason: null,
    });
    const pending = await asset(false);
    const waiting = await callBrand(
      "GET",
      `/v1/media/${pending}/fingerprint`,
      await as(SEED.accounts.creator.id),
    );
    expect(await waiting.json()).toMatchObject({ status: "pending", sha256: null, pdq: null, phash: null });
  });

  it("is for the creator and the brand's staff only: others get 404, anonymous callers 401", async () => {
    const id = await asset(true);
    const path = `/v1/media/${id}/fingerprint`;
    await expectProblem(await callBrand("GET", path), 401, "unauthenticated");
    expect((await callBrand("GET", path, await as(SEED.accounts.staff.id))).status).toBe(200);
    await expectProblem(await callBrand("GET", path, await as(SEED.accounts.fan.id)), 404, "not_found");
    const otherCreator = await newPerson({ present: true, creator: true });
    await expectProblem(await callBrand("GET", path, await as(otherCreator.id)), 404, "not_found");
    // Staff of another brand only: not on girlfanz, and the asset's post is not on pupfanz.
    const pupStaff = await newPerson({ present: true });
    await env.DB.prepare(
      "INSERT INTO account_role (id, account_id, role_id, tenant_id, created_at) VALUES (?, ?, ?, ?, ?)",
    )
      .bind(
        `arl_${pupStaff.id.slice(4)}`,
        pupStaff.id,
        SEED.roles.staff.id,
        SEED.tenants.pupfanz.id,
        Date.now(),
      )
      .run();
    await expectProblem(await callBrand("GET", path, await as(pupStaff.id)), 404, "not_found");
    await expectProblem(
      await callBrand("GET", path, await as(pupStaff.id, "pupfanz"), undefined, "pupfanz"),
      404,
      "not_found",
    );
    await expectProblem(
      await callBrand(
        "GET",
        "/v1/media/ast_00000000000000000000000000/fingerprint",
        await as(SEED.accounts.creator.id),
      ),
      404,
      "not_found",
    );
    await expectProblem(
      await callBrand("GET", "/v1/media/nope/fingerprint", await as(SEED.accounts.creator.id)),
      400,
      "validation_failed",
    );
  });
});
