import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callBrand, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";

type Post = {
  id: string;
  locked: boolean;
  title: string;
  publications?: unknown[];
  visibility: string;
  rating: string;
};

const token = async (who: keyof typeof SEED.accounts, brand: keyof typeof SEED.tenants = "girlfanz") =>
  bearer(await accessToken({ accountId: SEED.accounts[who].id, brand }));

const send = callBrand;

async function create(body: Record<string, unknown>, brand: keyof typeof SEED.tenants = "girlfanz") {
  const response = await send("POST", "/v1/content", await token("creator", brand), body, brand);
  expect(response.status).toBe(201);
  return (await response.json()) as Post;
}

/** Publishes directly in D1 until the publish route lands in this file's suite. */
async function publishOn(contentId: string, brand: keyof typeof SEED.tenants) {
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
  )
    .bind(
      `ctm_${crypto.randomUUID().replaceAll("-", "").slice(0, 26).toUpperCase()}`,
      contentId,
      SEED.tenants[brand].id,
      now,
      now,
      now,
    )
    .run();
}

describe("creating a post", () => {
  it("needs content:write and a visible presence on the brand, and refuses mass assignment", async () => {
    await expectProblem(
      await send("POST", "/v1/content", {}, { title: "x", visibility: "public" }),
      401,
      "unauthenticated",
    );
    await expectProblem(
      await send("POST", "/v1/content", await token("fan"), { title: "x", visibility: "public" }),
      403,
      "forbidden",
    );
    // Staff are hidden on every brand and hold no content:write.
    await expectProblem(
      await send("POST", "/v1/content", await token("staff"), { title: "x", visibility: "public" }),
      403,
      "forbidden",
    );
    const creator = await token("creator");
    await expectProblem(
      await send("POST", "/v1/content", creator, {
        title: "x",
        visibility: "public",
        creatorProfileId: SEED.profiles.fan.id,
      }),
      400,
      "validation_failed",
    );
    const ppv = await send("POST", "/v1/content", creator, { title: "x", visibility: "ppv" });
    const problem = await expectProblem(ppv, 400, "validation_failed");
    expect(JSON.stringify(problem.errors)).toContain("priceCents");
  });

  it("creates an unpublished canonical post its creator can read and others cannot", async () => {
    const post = await create({ title: "Beach day", visibility: "public", tags: ["Beach", "beach", "sun"] });
    expect(post).toMatchObject({ title: "Beach day", locked: false, publications: [] });
    const own = await send("GET", `/v1/content/${post.id}`, await token("creator"));
    expect(own.status).toBe(200);
    expect(((await own.json()) as { tags: string[] }).tags).toEqual(["beach", "sun"]);
    await expectProblem(await send("GET", `/v1/content/${post.id}`), 404, "not_found");
    await expectProblem(await send("GET", `/v1/content/${post.id}`, await token("fan")), 404, "not_found");
  });
});

describe("reading a post", () => {
  it("shows a published public post on its brands only", async () => {
    const post = await create({ title: "Open", visibility: "public" });
    await publishOn(post.id, "girlfanz");
    const anonymous = await send("GET", `/v1/content/${post.id}`);
    expect(await anonymous.json()).toMatchObject({ id: post.id, locked: false, canonicalTenant: "girlfanz" });
    expect(
      ((await (await send("GET", `/v1/content/${post.id}`)).json()) as Post).publications,
    ).toBeUndefined();
    await expectProblem(
      await send("GET", `/v1/content/${post.id}`, {}, undefined, "pupfanz"),
      404,
      "not_found",
    );
  });

  it("locks subscriber and ppv posts for those not entitled, and opens them to staff of the brand", async () => {
    const subscribers = await create({ title: "Members", visibility: "subscribers" });
    const ppv = await create({ title: "Special", visibility: "ppv", priceCents: 500 });
    for (const post of [subscribers, ppv]) {
      await publishOn(post.id, "girlfanz");
      expect(((await (await send("GET", `/v1/content/${post.id}`)).json()) as Post).locked).toBe(true);
      expect(
        ((await (await send("GET", `/v1/content/${post.id}`, await token("fan"))).json()) as Post).locked,
      ).toBe(true);
      expect(
        ((await (await send("GET", `/v1/content/${post.id}`, await token("staff"))).json()) as Post).locked,
      ).toBe(false);
    }
  });

  it("is a 404 on a brand where its creator's presence is hidden, and carries its rating", async () => {
    const post = await create({ title: "Hidden there", visibility: "public", rating: "general" });
    expect(post).toMatchObject({ rating: "general" });
    expect((await create({ title: "Default rating", visibility: "public" })).rating).toBe("explicit");
    await publishOn(post.id, "pupfanz");
    expect((await send("GET", `/v1/content/${post.id}`, {}, undefined, "pupfanz")).status).toBe(200);
    const presence = `/v1/profiles/${SEED.profiles.creator.id}/tenants/${SEED.tenants.pupfanz.id}`;
    expect(
      (await send("DELETE", presence, await token("creator", "pupfanz"), undefined, "pupfanz")).status,
    ).toBe(200);
    try {
      await expectProblem(
        await send("GET", `/v1/content/${post.id}`, await token("fan", "pupfanz"), undefined, "pupfanz"),
        404,
        "not_found",
      );
      // Its creator still sees it there.
      expect(
        (await send("GET", `/v1/content/${post.id}`, await token("creator", "pupfanz"), undefined, "pupfanz"))
          .status,
      ).toBe(200);
    } finally {
      await send("POST", presence, await token("creator", "pupfanz"), undefined, "pupfanz");
    }
  });

  it("is a 404 for someone the creator blocked", async () => {
    const post = await create({ title: "Not for you", visibility: "public" });
    await publishOn(post.id, "girlfanz");
    await send("POST", `/v1/profiles/${SEED.profiles.fan.id}/block`, await token("creator"));
    await expectProblem(await send("GET", `/v1/content/${post.id}`, await token("fan")), 404, "not_found");
    await send("DELETE", `/v1/profiles/${SEED.profiles.fan.id}/block`, await token("creator"));
    expect((await send("GET", `/v1/content/${post.id}`, await token("fan"))).status).toBe(200);
  });
});

describe("changing and removing a post", () => {
  it("lets the creator and the brand's staff change it, nobody else", async () => {
    const post = await create({ title: "Draft", visibility: "public" });
    await publishOn(post.id, "girlfanz");
    const changed = await send("PATCH", `/v1/content/${post.id}`, await token("creator"), { title: "Final" });
    expect(await changed.json()).toMatchObject({ title: "Final" });
    await expectProblem(
      await send("PATCH", `/v1/content/${post.id}`, await token("fan"), { title: "Mine" }),
      403,
      "forbidden",
    );
    await expectProblem(
      await send("PATCH", `/v1/content/${post.id}`, {}, { title: "Mine" }),
      401,
      "unauthenticated",
    );
    // The creator's token for another brand is refused on this host.
    await expectProblem(
      await send("PATCH", `/v1/content/${post.id}`, await token("creator", "pupfanz"), { title: "Mine" }),
      401,
      "unauthenticated",
    );
    expect(
      (await send("PATCH", `/v1/content/${post.id}`, await token("staff"), { caption: "Reviewed" })).status,
    ).toBe(200);
    await expectProblem(
      await send("PATCH", `/v1/content/${post.id}`, await token("creator"), { visibility: "ppv" }),
      400,
      "validation_failed",
    );
  });

  it("takes it down everywhere; its creator still sees it", async () => {
    const post = await create({ title: "Gone soon", visibility: "public" });
    await publishOn(post.id, "girlfanz");
    await expectProblem(await send("DELETE", `/v1/content/${post.id}`, await token("fan")), 403, "forbidden");
    expect((await send("DELETE", `/v1/content/${post.id}`, await token("creator"))).status).toBe(204);
    await expectProblem(await send("GET", `/v1/content/${post.id}`), 404, "not_found");
    expect((await send("GET", `/v1/content/${post.id}`, await token("creator"))).status).toBe(200);
  });
});

describe("uploading assets", () => {
  it("starts uploads for the post's creator, refused to anyone else first", async () => {
    const post = await create({ title: "With media", visibility: "public" });
    const files = { files: [{ mime: "image/jpeg", bytes: 1000 }] };
    const path = `/v1/content/${post.id}/assets`;
    await expectProblem(await send("POST", path, {}, files), 401, "unauthenticated");
    await expectProblem(await send("POST", path, await token("fan"), files), 404, "not_found");
    await publishOn(post.id, "girlfanz");
    await expectProblem(await send("POST", path, await token("fan"), files), 403, "forbidden");
    const started = await send("POST", path, await token("creator"), files);
    expect(started.status).toBe(201);
    const { assets } = (await started.json()) as { assets: { assetId: string }[] };
    const asset = await env.DB.prepare("SELECT content_id, upload_state FROM media_asset WHERE id = ?")
      .bind(assets[0]?.assetId)
      .first();
    expect(asset).toEqual({ content_id: post.id, upload_state: "uploading" });
  });
});
