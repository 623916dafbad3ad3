import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { callBrand, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import CHELSEA from "../../../../../testdata/watermark/images/chelsea.jpg";
import COFFEE from "../../../../../testdata/watermark/images/coffee.jpg";
import ROCKET from "../../../../../testdata/watermark/images/rocket.jpg";
import STORM from "../../../../../testdata/watermark/images/storm.jpg";
import { applyWatermark, creatorHeaders, fetchSigned, livePicture } from "./forensics.testing";
import { as, type Brand } from "./media.testing";
import { complete, creatorAccount, initUploads, putTo, sha256Hex, single } from "./uploads.testing";

const takedown = (
  assetId: string,
  headers: Record<string, string>,
  body: unknown = { reason: "leaked" },
  brand: Brand = "girlfanz",
) => callBrand("POST", `/v1/media/${assetId}/takedown`, headers, body, brand);

// Storage is shared by the whole file and a takedown refuses its picture from then on: each test
// takes down pictures of its own.
describe("POST /v1/media/{assetId}/takedown", () => {
  it("lets a creator take their media down everywhere: its links fail, and its exact re-upload is refused", async () => {
    const { assetId, bytes } = await livePicture(ROCKET);
    const applied = await applyWatermark(assetId, await creatorHeaders());
    expect(applied.status).toBe(200);
    const { signedUrl } = (await applied.json()) as { signedUrl: string };
    expect((await fetchSigned(signedUrl)).status).toBe(200);

    const response = await takedown(assetId, await creatorHeaders(), { reason: "I withdraw this set" });
    expect(response.status, await response.clone().text()).toBe(201);
    expect(await response.json()).toMatchObject({
      assetId,
      actor: "creator",
      reason: "I withdraw this set",
      revokedVariants: expect.any(Number),
    });
    // The link handed out before now fails, and no new one is given.
    await expectProblem(await fetchSigned(signedUrl), 410, "gone");
    await expectProblem(
      await callBrand("GET", `/v1/vault/assets/${assetId}:signedUrl`, await creatorHeaders()),
      410,
      "gone",
    );
    // Again: the first takedown stands.
    const again = await takedown(assetId, await creatorHeaders(), { reason: "twice" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ reason: "I withdraw this set" });

    // The same file uploaded again is refused when the upload completes.
    const [started] = await initUploads([
      { mime: "image/jpeg", bytes: bytes.length, sha256: await sha256Hex(bytes) },
    ]);
    const put = single(started);
    expect((await putTo(put.url, bytes, put.headers)).status).toBe(200);
    const refused = await complete({ assetId: started?.assetId }, creatorAccount);
    const problem = await expectProblem(refused, 422, "unprocessable_content");
    expect(problem.detail).toContain("taken down");
  });

  it("lets the brand's staff and trust & safety take media down, recording who acted", async () => {
    const first = await livePicture(STORM);
    const byStaff = await takedown(first.assetId, await as(SEED.accounts.staff.id), {
      reason: "rights holder notice",
    });
    expect(byStaff.status).toBe(201);
    expect(await byStaff.json()).toMatchObject({ actor: "staff" });
    expect(
      await env.DB.prepare("SELECT actor, tenant_id FROM media_takedown WHERE asset_id = ?")
        .bind(first.assetId)
        .first(),
    ).toEqual({ actor: "staff", tenant_id: SEED.tenants.girlfanz.id });

    const second = await livePicture(COFFEE, { brand: "pupfanz" });
    const bySafety = await takedown(
      second.assetId,
      await as(SEED.accounts.safety.id, "pupfanz"),
      { reason: "policy" },
      "pupfanz",
    );
    expect(bySafety.status).toBe(201);
    expect(await bySafety.json()).toMatchObject({ actor: "safety" });
  });

  it("refuses fans, other creators, other brands' staff and anonymous callers, and bad reasons", async () => {
    const { assetId } = await livePicture(CHELSEA);
    await expectProblem(await takedown(assetId, await as(SEED.accounts.fan.id)), 404, "not_found");
    const otherCreator = await newPerson({ present: true, creator: true });
    await expectProblem(await takedown(assetId, await as(otherCreator.id)), 404, "not_found");
    const pupStaff = await newPerson({ present: true });
    await grantRole(pupStaff.id, "staff", "pupfanz");
    await expectProblem(
      await takedown(assetId, await as(pupStaff.id, "pupfanz"), undefined, "pupfanz"),
      404,
      "not_found",
    );
    await expectProblem(await takedown(assetId, {}), 401, "unauthenticated");
    await expectProblem(
      await takedown(assetId, await creatorHeaders(), { reason: "" }),
      400,
      "validation_failed",
    );
    expect(
      await env.DB.prepare("SELECT id FROM media_takedown WHERE asset_id = ?").bind(assetId).first(),
    ).toBeNull();
  });
});
