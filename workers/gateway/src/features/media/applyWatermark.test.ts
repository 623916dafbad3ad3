import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { callBrand, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import CHELSEA from "../../../../../testdata/watermark/images/chelsea.jpg";
import { applyWatermark, creatorHeaders, fetchSigned, livePicture } from "./forensics.testing";
import { as } from "./media.testing";

interface Applied {
  variantId: string;
  payloadId: string;
  signedUrl: string;
  expiresAt: string;
}

describe("POST /v1/media/{assetId}/watermark:apply", () => {
  it("makes a buyer's own marked copy, served on the brand's media host and traced back to the buyer", async () => {
    const { assetId, contentId } = await livePicture(CHELSEA);
    const response = await applyWatermark(assetId, await creatorHeaders(), {
      recipientProfileId: SEED.profiles.fan.id,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const applied = (await response.json()) as Applied;
    expect(applied.payloadId).toMatch(/^[0-9a-f]{16}$/);
    expect(applied.signedUrl).toMatch(
      /^http:\/\/media\.girlfanz\.localhost(:\d+)?\/v1\/media\/ast_\w+\/watermarked\?token=/,
    );

    const served = await fetchSigned(applied.signedUrl);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
    const jpeg = new Uint8Array(await served.arrayBuffer());
    const traced = await env.MEDIA.traceImage(jpeg);
    expect(traced.ok && traced.value.watermark).toMatchObject({
      payloadId: applied.payloadId,
      tenant: "girlfanz",
      creatorId: SEED.profiles.creator.id,
      contentId,
      recipientProfileId: SEED.profiles.fan.id,
    });

    // Asked again: the same copy.
    const again = (await (
      await applyWatermark(assetId, await creatorHeaders(), {
        recipientProfileId: SEED.profiles.fan.id,
      })
    ).json()) as Applied;
    expect(again.variantId).toBe(applied.variantId);
  });

  it("lets a fan have their own copy of a post they may see, and nobody else's", async () => {
    const { assetId } = await livePicture(CHELSEA);
    const fan = await as(SEED.accounts.fan.id);
    const own = await applyWatermark(assetId, fan);
    expect(own.status).toBe(200);
    const { variantId } = (await own.json()) as Applied;
    const copy = await env.DB.prepare("SELECT recipient_profile_id FROM media_variant WHERE id = ?")
      .bind(variantId)
      .first();
    expect(copy).toEqual({ recipient_profile_id: SEED.profiles.fan.id });
    await expectProblem(
      await applyWatermark(assetId, fan, { recipientProfileId: SEED.profiles.creator.id }),
      403,
      "forbidden",
    );
  });

  it("refuses subscribers-only pictures to fans who are not entitled, other brands' staff and anonymous callers", async () => {
    const { assetId } = await livePicture(CHELSEA, { visibility: "subscribers" });
    await expectProblem(await applyWatermark(assetId, await as(SEED.accounts.fan.id)), 403, "forbidden");
    const otherCreator = await newPerson({ present: true, creator: true });
    await expectProblem(
      await applyWatermark(assetId, await as(otherCreator.id), {
        recipientProfileId: otherCreator.profileId,
      }),
      403,
      "forbidden",
    );
    const pupStaff = await newPerson({ present: true });
    await grantRole(pupStaff.id, "staff", "pupfanz");
    await expectProblem(
      await applyWatermark(
        assetId,
        await as(pupStaff.id, "pupfanz"),
        { tenant: "girlfanz", recipientProfileId: pupStaff.profileId },
        "pupfanz",
      ),
      403,
      "forbidden",
    );
    await expectProblem(await applyWatermark(assetId, {}), 401, "unauthenticated");
    // The brand's own staff may have copies made for anyone.
    const staff = await applyWatermark(assetId, await as(SEED.accounts.staff.id), {
      recipientProfileId: SEED.profiles.fan.id,
    });
    expect(staff.status).toBe(200);
  });

  it("answers 409 where the post is not published and 404 for unknown assets", async () => {
    const { assetId } = await livePicture(CHELSEA);
    await expectProblem(
      await applyWatermark(assetId, await creatorHeaders(), { tenant: "daddyfanz" }),
      409,
      "conflict",
    );
    await expectProblem(
      await applyWatermark("ast_01JZZZZZZZZZZZZZZZZZZZZZZZ", await creatorHeaders()),
      404,
      "not_found",
    );
    await expectProblem(
      await applyWatermark(assetId, await creatorHeaders(), { tenant: "Nope!" }),
      400,
      "validation_failed",
    );
  });

  it("gives a pay-per-view buyer a link to their own marked copy when they ask for the full size", async () => {
    const { assetId, contentId } = await livePicture(CHELSEA, { visibility: "ppv" });
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO purchase (id, tenant_id, fan_profile_id, creator_profile_id, kind, content_id, amount_cents, currency, status, provider, created_at, updated_at) VALUES (?, ?, ?, ?, 'ppv', ?, 500, 'USD', 'succeeded', 'sandbox', ?, ?)",
    )
      .bind(
        `pur_${crypto.randomUUID().replaceAll("-", "").slice(0, 26).toUpperCase()}`,
        SEED.tenants.girlfanz.id,
        SEED.profiles.fan.id,
        SEED.profiles.creator.id,
        contentId,
        now,
        now,
      )
      .run();
    const response = await callBrand(
      "GET",
      `/v1/vault/assets/${assetId}:signedUrl`,
      await as(SEED.accounts.fan.id),
    );
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const served = await fetchSigned(url);
    expect(served.status).toBe(200);
    const traced = await env.MEDIA.traceImage(new Uint8Array(await served.arrayBuffer()));
    expect(traced.ok && traced.value.watermark).toMatchObject({
      recipientProfileId: SEED.profiles.fan.id,
      contentId,
    });
  });
});
