import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callBrand, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";

const creator = SEED.profiles.creator;
const tenants = SEED.tenants;

const as = async (who: "creator" | "fan", brand: keyof typeof tenants = "girlfanz") =>
  bearer(await accessToken({ accountId: SEED.accounts[who].id, brand }));

const send = callBrand;

describe("GET /v1/profiles/{handle}", () => {
  it("shows a profile present on this brand, handle matched without case, without its account", async () => {
    const response = await send("GET", "/v1/profiles/DEMO_Creator");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: creator.id,
      handle: "demo_creator",
      displayName: "Demo Creator",
      bio: expect.any(String),
      type: "creator",
    });
  });

  it("is a 404 where the presence is hidden (staff are not listed) or the handle unknown", async () => {
    await expectProblem(await send("GET", "/v1/profiles/demo_staff"), 404, "not_found");
    await expectProblem(await send("GET", "/v1/profiles/nobody_here"), 404, "not_found");
  });
});

describe("presence per brand", () => {
  const presence = (tenantId: string) => `/v1/profiles/${creator.id}/tenants/${tenantId}`;

  it("hides the owner's profile and its links on one brand only, and shows it again", async () => {
    const owner = await as("creator");
    const hidden = await send("DELETE", presence(tenants.pupfanz.id), owner);
    expect(await hidden.json()).toEqual({
      profileId: creator.id,
      tenantId: tenants.pupfanz.id,
      visible: false,
    });
    await expectProblem(
      await send("GET", "/v1/profiles/demo_creator", {}, undefined, "pupfanz"),
      404,
      "not_found",
    );
    await expectProblem(
      await send("GET", `/v1/profiles/${creator.id}/links`, {}, undefined, "pupfanz"),
      404,
      "not_found",
    );
    expect((await send("GET", "/v1/profiles/demo_creator", {}, undefined, "daddyfanz")).status).toBe(200);

    const shown = await send("POST", presence(tenants.pupfanz.id), owner);
    expect(await shown.json()).toMatchObject({ visible: true });
    expect((await send("GET", "/v1/profiles/demo_creator", {}, undefined, "pupfanz")).status).toBe(200);
  });

  it("refuses anonymous callers, another person, another brand's token and unknown brands", async () => {
    await expectProblem(await send("DELETE", presence(tenants.pupfanz.id)), 401, "unauthenticated");
    await expectProblem(
      await send("DELETE", presence(tenants.pupfanz.id), await as("fan")),
      403,
      "forbidden",
    );
    await expectProblem(
      await send("DELETE", presence(tenants.pupfanz.id), await as("creator", "pupfanz")),
      401,
      "unauthenticated",
    );
    await expectProblem(await send("POST", presence("ten_nowhere"), await as("creator")), 404, "not_found");
    expect((await send("GET", "/v1/profiles/demo_creator", {}, undefined, "pupfanz")).status).toBe(200);
  });
});

describe("link-in-bio", () => {
  const links = `/v1/profiles/${creator.id}/links`;

  it("lets the owner add, reorder, change and remove links that everyone on the brand can read", async () => {
    const owner = await as("creator");
    const first = await send("POST", links, owner, { title: "Shop", url: "https://example.com/shop" });
    expect(first.status).toBe(201);
    const shop = (await first.json()) as { id: string; position: number };
    const second = (await (
      await send("POST", links, owner, { title: "Blog", url: "https://example.com/blog" })
    ).json()) as {
      id: string;
      position: number;
    };
    expect(second.position).toBe(shop.position + 1);

    const moved = await send("PATCH", `${links}/${second.id}`, owner, { position: 0, title: "My blog" });
    expect(await moved.json()).toMatchObject({ id: second.id, position: 0, title: "My blog" });
    const listed = (await (await send("GET", links)).json()) as { links: { id: string }[] };
    expect(listed.links.map((link) => link.id).slice(0, 2)).toEqual([second.id, shop.id]);

    expect((await send("DELETE", `${links}/${shop.id}`, owner)).status).toBe(204);
    await expectProblem(await send("DELETE", `${links}/${shop.id}`, owner), 404, "not_found");
  });

  it("refuses unsafe URLs, extra fields, other people and anonymous callers, changing nothing", async () => {
    const owner = await as("creator");
    for (const url of ["javascript:alert(1)", "http://example.com", "data:text/html,x", "not a url"]) {
      await expectProblem(await send("POST", links, owner, { title: "x", url }), 400, "validation_failed");
    }
    await expectProblem(
      await send("POST", links, owner, { title: "x", url: "https://example.com", profileId: "prf_other" }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await send("POST", links, {}, { title: "x", url: "https://example.com" }),
      401,
      "unauthenticated",
    );
    await expectProblem(
      await send("POST", links, await as("fan"), { title: "x", url: "https://example.com" }),
      403,
      "forbidden",
    );
    const mine = (await (
      await send("POST", links, owner, { title: "Mine", url: "https://example.com/mine" })
    ).json()) as {
      id: string;
    };
    // The fan's own profile does not own the creator's link: not found under it, and untouched.
    const fanLinks = `/v1/profiles/${SEED.profiles.fan.id}/links/${mine.id}`;
    await expectProblem(await send("DELETE", fanLinks, await as("fan")), 404, "not_found");
    await expectProblem(
      await send("PATCH", `${links}/${mine.id}`, await as("fan"), { title: "Mine!" }),
      403,
      "forbidden",
    );
    const listed = (await (await send("GET", links)).json()) as { links: { id: string; title: string }[] };
    expect(listed.links.find((link) => link.id === mine.id)?.title).toBe("Mine");
  });
});
