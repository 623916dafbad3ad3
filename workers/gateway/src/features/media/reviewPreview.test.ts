import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { callBrand, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import CHELSEA from "../../../../../testdata/watermark/images/chelsea.jpg";
import { creatorHeaders, livePicture } from "./forensics.testing";
import { as, type Brand } from "./media.testing";

const preview = (assetId: string, headers: Record<string, string>, brand: Brand = "girlfanz") =>
  callBrand("GET", `/v1/media/${assetId}/preview`, headers, undefined, brand);

describe("GET /v1/media/{assetId}/preview", () => {
  it("shows compliance staff a small, reviewer-marked picture inline, never stored, and audits it first", async () => {
    const { assetId } = await livePicture(CHELSEA);
    const response = await preview(assetId, await as(SEED.accounts.staff.id));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    expect(response.headers.get("content-disposition")).toBe("inline");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const jpeg = new Uint8Array(await response.arrayBuffer());
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);

    // The mark names the reviewer.
    const traced = await env.MEDIA.traceImage(jpeg);
    expect(traced.ok && traced.value.watermark).toMatchObject({
      payloadId: response.headers.get("x-fun-payload-id"),
      recipientProfileId: SEED.profiles.staff.id,
      assetId,
    });
    // And the look is on the audit log.
    const audits = await env.COMPLIANCE.auditTrail("media_asset", assetId);
    expect(audits).toEqual([
      expect.objectContaining({
        action: "media.preview",
        actorAccountId: SEED.accounts.staff.id,
        tenantId: SEED.tenants.girlfanz.id,
      }),
    ]);
  });

  it("refuses the creator, fans, other brands' staff and anonymous callers", async () => {
    const { assetId } = await livePicture(CHELSEA);
    await expectProblem(await preview(assetId, await creatorHeaders()), 404, "not_found");
    await expectProblem(await preview(assetId, await as(SEED.accounts.fan.id)), 404, "not_found");
    const pupStaff = await newPerson({ present: true });
    await grantRole(pupStaff.id, "staff", "pupfanz");
    await expectProblem(
      await preview(assetId, await as(pupStaff.id, "pupfanz"), "pupfanz"),
      404,
      "not_found",
    );
    await expectProblem(await preview(assetId, {}), 401, "unauthenticated");
  });
});
