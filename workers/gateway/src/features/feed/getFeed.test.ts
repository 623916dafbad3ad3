import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callBrand, expectProblem, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";

type Brand = keyof typeof SEED.tenants;
type Page = { items: { id: string; locked: boolean }[]; nextCursor: string | null };

const creatorToken = (brand: Brand = "girlfanz") =>
  accessToken({ accountId: SEED.accounts.creator.id, brand });

const send = (method: string, path: string, token?: string, json?: unknown, brand: Brand = "girlfanz") =>
  callBrand(method, path, token ? bearer(token) : {}, json, brand);

/** A follower present on every brand, following the demo creator. */
async function follower() {
  const person = await newPerson({ present: true });
  const token = await accessToken({ accountId: person.id, brand: "girlfanz" });
  expect((await send("POST", `/v1/profiles/${SEED.profiles.creator.id}/follow`, token)).status).toBe(200);
  return { person, profileId: person.profileId, token };
}

async function post(title: string, visibility = "public") {
  const token = await creatorToken();
  const created = (await (
    await send("POST", "/v1/content", token, {
      title,
      visibility,
      ...(visibility === "ppv" ? { priceCents: 300 } : {}),
    })
  ).json()) as {
    id: string;
  };
  expect((await send("POST", `/v1/content/${created.id}:publish`, token, {})).status).toBe(200);
  return created.id;
}

async function feed(token: string, query = "", brand: Brand = "girlfanz"): Promise<Page> {
  const response = await send("GET", `/v1/feed${query}`, token, undefined, brand);
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

describe("the latest feed", () => {
  it("pages newest first by cursor, without repeats or gaps when posts arrive in between", async () => {
    const { token } = await follower();
    const ids = [await post("one"), await post("two"), await post("three", "subscribers")];
    const first = await feed(token, "?limit=2");
    expect(first.items.map((item) => item.id)).toEqual([ids[2], ids[1]]);
    expect(first.items[0]?.locked).toBe(true);
    const later = await post("four");
    const second = await feed(token, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((item) => item.id)).toContain(ids[0]);
    expect(second.items.map((item) => item.id)).not.toContain(later);
    const seen = [...first.items, ...second.items].map((item) => item.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await feed(token, "?limit=1")).items[0]?.id).toBe(later);
  });

  it("shows on each brand only what was published there, and nothing of a hidden or blocking creator", async () => {
    const { token, profileId } = await follower();
    const local = await post("girlfanz only");
    const shared = await post("everywhere");
    const pupOnly = await post("girlfanz and pupfanz");
    await send("POST", `/v1/content/${shared}:crosspost`, await creatorToken(), {
      tenants: ["pupfanz", "daddyfanz"],
    });
    await send("POST", `/v1/content/${pupOnly}:crosspost`, await creatorToken(), { tenants: ["pupfanz"] });
    const pupToken = await accessToken({ accountId: `acc_${profileId.slice(4)}`, brand: "pupfanz" });
    const pup = (await feed(pupToken, "", "pupfanz")).items.map((item) => item.id);
    expect(pup).toEqual(expect.arrayContaining([shared, pupOnly]));
    expect(pup).not.toContain(local);
    const daddyToken = await accessToken({ accountId: `acc_${profileId.slice(4)}`, brand: "daddyfanz" });
    expect((await feed(daddyToken, "", "daddyfanz")).items.map((item) => item.id)).toEqual([shared]);
    expect((await feed(token)).items.map((item) => item.id)).toEqual(
      expect.arrayContaining([local, shared, pupOnly]),
    );

    await send(
      "DELETE",
      `/v1/profiles/${SEED.profiles.creator.id}/tenants/${SEED.tenants.pupfanz.id}`,
      await creatorToken(),
    );
    expect((await feed(pupToken, "", "pupfanz")).items).toEqual([]);
    await send(
      "POST",
      `/v1/profiles/${SEED.profiles.creator.id}/tenants/${SEED.tenants.pupfanz.id}`,
      await creatorToken(),
    );

    await send("POST", `/v1/profiles/${profileId}/block`, await creatorToken());
    expect((await feed(token)).items).toEqual([]);
  });

  it("refuses anonymous callers, another brand's name, and a cursor it did not give out for this algo", async () => {
    const { token } = await follower();
    await expectProblem(await send("GET", "/v1/feed"), 401, "unauthenticated");
    await expectProblem(await send("GET", "/v1/feed?tenant=pupfanz", token), 400, "validation_failed");
    await expectProblem(
      await send("GET", "/v1/feed?cursor=bm90LWEtY3Vyc29y", token),
      400,
      "validation_failed",
    );
    await post("for a cursor");
    const { nextCursor } = await feed(token, "?limit=1");
    expect(nextCursor).not.toBeNull();
    await expectProblem(
      await send("GET", `/v1/feed?algo=ranked&cursor=${nextCursor}`, token),
      400,
      "validation_failed",
    );
  });
});
