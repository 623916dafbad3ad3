import { SEED } from "@fun/db/seed";
import { callBrand, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { as } from "./media.testing";
import {
  assetRow,
  complete,
  creatorPost,
  fileOf,
  initUploads,
  MAGIC,
  putTo,
  single,
  uploadRow,
} from "./uploads.testing";

const files = [{ mime: "image/png", bytes: 1000 }];

/** A creator's upload in progress (bytes sent), for others to try their hand at. */
async function creatorsUpload() {
  const [started] = await initUploads(files);
  expect((await putTo(single(started).url, fileOf(1000, MAGIC.png))).status).toBe(200);
  return started?.assetId ?? "";
}

/** Every upload route on `assetId` as `headers` on `brand`: status, complete, abort. */
async function touchUpload(assetId: string, headers: Record<string, string>, brand = "girlfanz") {
  return [
    await callBrand("GET", `/v1/media/${assetId}/upload`, headers, undefined, brand),
    await callBrand("POST", "/v1/media/ingest:complete", headers, { assetId }, brand),
    await callBrand("DELETE", `/v1/media/${assetId}/upload`, headers, undefined, brand),
  ];
}

async function expectUntouched(assetId: string) {
  expect(await assetRow(assetId)).toMatchObject({ upload_state: "uploading" });
  expect(await uploadRow(assetId)).not.toBeNull();
}

describe("who may upload, and to what", () => {
  it("answers an anonymous caller 401 on every upload route", async () => {
    const assetId = await creatorsUpload();
    await expectProblem(
      await callBrand("POST", "/v1/media/ingest:init", {}, { files }),
      401,
      "unauthenticated",
    );
    const post = await creatorPost();
    await expectProblem(
      await callBrand("POST", `/v1/content/${post}/assets`, {}, { files }),
      401,
      "unauthenticated",
    );
    for (const response of await touchUpload(assetId, {}))
      await expectProblem(response, 401, "unauthenticated");
    await expectUntouched(assetId);
  });

  it("refuses a fan: no media:upload to start, and someone else's upload is not found", async () => {
    const assetId = await creatorsUpload();
    const fan = await as(SEED.accounts.fan.id);
    const refused = await expectProblem(
      await callBrand("POST", "/v1/media/ingest:init", fan, { files }),
      403,
      "forbidden",
    );
    expect(refused.detail).toContain("media:upload");
    for (const response of await touchUpload(assetId, fan)) await expectProblem(response, 404, "not_found");
    await expectUntouched(assetId);
  });

  it("keeps another creator out of this creator's posts and uploads", async () => {
    const assetId = await creatorsUpload();
    const other = await newPerson({ present: true, creator: true });
    const headers = await as(other.id);
    // A post they cannot see is not found; a live one they can see is forbidden.
    const hidden = await creatorPost();
    await expectProblem(
      await callBrand("POST", `/v1/content/${hidden}/assets`, headers, { files }),
      404,
      "not_found",
    );
    await expectProblem(
      await callBrand("POST", "/v1/media/ingest:init", headers, { files, contentId: hidden }),
      404,
      "not_found",
    );
    const live = await creatorPost("girlfanz", true);
    await expectProblem(
      await callBrand("POST", `/v1/content/${live}/assets`, headers, { files }),
      403,
      "forbidden",
    );
    for (const response of await touchUpload(assetId, headers))
      await expectProblem(response, 404, "not_found");
    await expectUntouched(assetId);
    // Their own standalone uploads are theirs.
    const [mine] = await initUploads(files, { accountId: other.id });
    expect(await assetRow(mine?.assetId ?? "")).toMatchObject({ owner_profile_id: other.profileId });
  });

  it("does not let the brand's staff upload as the creator, or touch the creator's uploads", async () => {
    const assetId = await creatorsUpload();
    const staff = await as(SEED.accounts.staff.id);
    const post = await creatorPost();
    const refused = await expectProblem(
      await callBrand("POST", `/v1/content/${post}/assets`, staff, { files }),
      403,
      "forbidden",
    );
    expect(refused.detail).toContain("Only the post's creator");
    await expectProblem(
      await callBrand("POST", "/v1/media/ingest:init", staff, { files, contentId: post }),
      403,
      "forbidden",
    );
    for (const response of await touchUpload(assetId, staff)) await expectProblem(response, 404, "not_found");
    await expectUntouched(assetId);
  });

  it("keeps uploads to their brand: a token for another brand is refused, and another brand's staff see nothing", async () => {
    const assetId = await creatorsUpload();
    // The creator's girlfanz token on pupfanz's host.
    const girlfanzToken = await as(SEED.accounts.creator.id, "girlfanz");
    await expectProblem(
      await callBrand("POST", "/v1/media/ingest:init", girlfanzToken, { files }, "pupfanz"),
      401,
      "unauthenticated",
    );
    for (const response of await touchUpload(assetId, girlfanzToken, "pupfanz"))
      await expectProblem(response, 401, "unauthenticated");
    const pupStaff = await newPerson({ present: true });
    await grantRole(pupStaff.id, "staff", "pupfanz");
    for (const response of await touchUpload(assetId, await as(pupStaff.id, "pupfanz"), "pupfanz"))
      await expectProblem(response, 404, "not_found");
    await expectUntouched(assetId);
    // The owner completes it, and it keeps the brand it was uploaded through.
    expect((await complete({ assetId })).status).toBe(200);
    expect(await assetRow(assetId)).toMatchObject({
      upload_state: "stored",
      tenant_id: SEED.tenants.girlfanz.id,
    });
  });
});
