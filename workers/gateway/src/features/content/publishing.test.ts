import { env } from "cloudflare:workers";
import { createCoreDb } from "@fun/db";
import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callBrand, callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { findContent } from "./content.repo";
import { publishDue } from "./publishing";

type Brand = keyof typeof SEED.tenants;
const token = async (who: keyof typeof SEED.accounts, brand: Brand = "girlfanz") =>
  bearer(await accessToken({ accountId: SEED.accounts[who].id, brand }));

const send = callBrand;

async function newPost(visibility = "public") {
  const response = await send("POST", "/v1/content", await token("creator"), { title: "A post", visibility });
  return ((await response.json()) as { id: string }).id;
}

async function events(contentId: string) {
  const { results } = await env.DB.prepare(
    "SELECT type, payload FROM outbox WHERE json_extract(payload, '$.subject') = ?",
  )
    .bind(contentId)
    .all<{ type: string; payload: string }>();
  return results.map((row) => ({
    type: row.type,
    data: (JSON.parse(row.payload) as { data: unknown }).data,
  }));
}

const slugOf = (tenantId: string) =>
  Object.values(SEED.tenants).find((tenant) => tenant.id === tenantId)?.slug ?? tenantId;

describe("publishing", () => {
  it("goes live on the canonical brand with one fun.content.published event", async () => {
    const id = await newPost();
    const response = await send("POST", `/v1/content/${id}:publish`, await token("creator"), {});
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      publications: [{ tenant: "girlfanz", status: "published" }],
    });
    expect((await send("GET", `/v1/content/${id}`)).status).toBe(200);
    expect(await events(id)).toEqual([
      {
        type: "fun.content.published",
        data: { contentId: id, creatorId: SEED.profiles.creator.id, tenantId: "girlfanz" },
      },
    ]);
  });

  it("is refused to anonymous callers, fans, other brands' tokens and off the canonical brand", async () => {
    const id = await newPost();
    await expectProblem(await send("POST", `/v1/content/${id}:publish`, {}, {}), 401, "unauthenticated");
    await expectProblem(
      await send("POST", `/v1/content/${id}:publish`, await token("fan"), {}),
      403,
      "forbidden",
    );
    await expectProblem(
      await send("POST", `/v1/content/${id}:publish`, await token("creator", "pupfanz"), {}),
      401,
      "unauthenticated",
    );
    await expectProblem(
      await send("POST", `/v1/content/${id}:publish`, await token("creator", "pupfanz"), {}, "pupfanz"),
      409,
      "conflict",
    );
    await expectProblem(
      await send("POST", `/v1/content/${id}:publish`, await token("creator"), { when: "now" }),
      400,
      "validation_failed",
    );
    const notJson = await callWorker(`/v1/content/${id}:publish`, {
      method: "POST",
      headers: { ...(await token("creator")), "content-type": "text/plain" },
      body: "{}",
    });
    await expectProblem(notJson, 415, "unsupported_media_type");
    expect(await events(id)).toEqual([]);
  });

  it("refuses to publish or cross-post a post holding media blocked by a known-bad match", async () => {
    const id = await newPost();
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, blocked_at, moderation_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'image/jpeg', 10, 'stored', ?, 'rejected', ?, ?)",
    )
      .bind(
        `ast_${id.slice(4)}`,
        id,
        SEED.profiles.creator.id,
        SEED.tenants.girlfanz.id,
        `originals/${id}`,
        now,
        now,
        now,
      )
      .run();
    const publish = await send("POST", `/v1/content/${id}:publish`, await token("creator"), {});
    expect((await expectProblem(publish, 409, "conflict")).detail).toMatch(/known-bad/);
    const crosspost = await expectProblem(
      await send("POST", `/v1/content/${id}:crosspost`, await token("creator"), { tenants: ["pupfanz"] }),
      409,
      "conflict",
    );
    expect(crosspost.detail).toMatch(/known-bad/);
    expect(await events(id)).toEqual([]);
  });

  it("schedules for later and the sweep makes it live exactly once", async () => {
    const id = await newPost();
    const at = Date.now() + 60 * 60 * 1000;
    const scheduled = await send("POST", `/v1/content/${id}:publish`, await token("creator"), {
      publishAt: new Date(at).toISOString(),
    });
    expect(await scheduled.json()).toMatchObject({
      publications: [{ status: "scheduled", publishAt: new Date(at).toISOString() }],
    });
    await expectProblem(await send("GET", `/v1/content/${id}`), 404, "not_found");

    const db = createCoreDb(env.DB);
    const post = async (contentId: string) => (await findContent(db, contentId))?.row;
    expect(await publishDue(db, post, slugOf, Date.now())).toBe(0);
    const [first, second] = await Promise.all([
      publishDue(db, post, slugOf, at + 1),
      publishDue(db, post, slugOf, at + 1),
    ]);
    expect((first ?? 0) + (second ?? 0)).toBe(1);
    expect(await publishDue(db, post, slugOf, at + 2)).toBe(0);
    expect((await events(id)).map((event) => event.type)).toEqual(["fun.content.published"]);
    // Live from its publishAt on (the sweep above ran as if an hour had passed).
    expect((await findContent(db, id))?.publications).toEqual([
      { tenantId: SEED.tenants.girlfanz.id, status: "published", publishAt: at },
    ]);
  });
});

describe("cross-posting", () => {
  it("publishes on the named brands only, with one fun.content.crossposted event", async () => {
    const id = await newPost();
    await send("POST", `/v1/content/${id}:publish`, await token("creator"), {});
    const response = await send("POST", `/v1/content/${id}:crosspost`, await token("creator"), {
      tenants: ["pupfanz"],
    });
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { publications: { tenant: string }[] }).publications
        .map((p) => p.tenant)
        .sort(),
    ).toEqual(["girlfanz", "pupfanz"]);
    expect((await send("GET", `/v1/content/${id}`, {}, undefined, "pupfanz")).status).toBe(200);
    await expectProblem(await send("GET", `/v1/content/${id}`, {}, undefined, "daddyfanz"), 404, "not_found");
    expect((await events(id)).find((event) => event.type === "fun.content.crossposted")?.data).toEqual({
      contentId: id,
      fromTenant: "girlfanz",
      toTenants: ["pupfanz"],
    });
  });

  it("refuses brands where the creator is hidden, unknown brands, unpublished posts and other people", async () => {
    const id = await newPost();
    const creator = await token("creator");
    await expectProblem(
      await send("POST", `/v1/content/${id}:crosspost`, creator, { tenants: ["pupfanz"] }),
      409,
      "conflict",
    );
    await send("POST", `/v1/content/${id}:publish`, creator, {});
    await send(
      "DELETE",
      `/v1/profiles/${SEED.profiles.creator.id}/tenants/${SEED.tenants.daddyfanz.id}`,
      creator,
    );
    const hidden = await send("POST", `/v1/content/${id}:crosspost`, creator, {
      tenants: ["pupfanz", "daddyfanz"],
    });
    expect((await expectProblem(hidden, 403, "forbidden")).detail).toContain("daddyfanz");
    await send(
      "POST",
      `/v1/profiles/${SEED.profiles.creator.id}/tenants/${SEED.tenants.daddyfanz.id}`,
      creator,
    );
    await expectProblem(
      await send("POST", `/v1/content/${id}:crosspost`, creator, { tenants: ["nowhere"] }),
      404,
      "not_found",
    );
    await expectProblem(
      await send("POST", `/v1/content/${id}:crosspost`, await token("fan"), { tenants: ["pupfanz"] }),
      403,
      "forbidden",
    );
    // Nothing of the refused attempts went live anywhere.
    await expectProblem(await send("GET", `/v1/content/${id}`, {}, undefined, "pupfanz"), 404, "not_found");
    expect((await events(id)).map((event) => event.type)).toEqual(["fun.content.published"]);
  });
});
