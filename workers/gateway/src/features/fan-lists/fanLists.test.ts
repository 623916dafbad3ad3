import { env } from "cloudflare:workers";
import { accessToken, bearer, callBrand, expectProblem, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";

type Brand = "girlfanz" | "pupfanz" | "daddyfanz";
type FanList = { id: string; name: string; memberCount: number; createdAt: string; updatedAt: string };

async function signedIn(type: "creator" | "fan", brand: Brand = "girlfanz") {
  const person = await newPerson({ present: true });
  if (type === "creator") {
    await env.DB.prepare("UPDATE profile SET type = 'creator' WHERE id = ?").bind(person.profileId).run();
  }
  return { ...person, auth: bearer(await accessToken({ accountId: person.id, brand })) };
}

async function createList(auth: Record<string, string>, name: string): Promise<FanList> {
  const response = await callBrand("POST", "/v1/fan-lists", auth, { name });
  expect(response.status).toBe(201);
  return (await response.json()) as FanList;
}

const UNKNOWN_LIST = `fls_${"0".repeat(26)}`;

describe("fan lists", () => {
  it("are created, listed with member counts, read, renamed and deleted", async () => {
    const creator = await signedIn("creator");
    const response = await callBrand("POST", "/v1/fan-lists", creator.auth, { name: "  VIP  " });
    expect(response.status).toBe(201);
    const vip = (await response.json()) as FanList;
    expect(vip).toMatchObject({ name: "VIP", memberCount: 0 });
    expect(vip.id).toMatch(/^fls_[0-9A-Z]{26}$/);
    expect(response.headers.get("location")).toBe(`/v1/fan-lists/${vip.id}`);
    const renewing = await createList(creator.auth, "renewing soon");

    const listed = await callBrand("GET", "/v1/fan-lists", creator.auth);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ items: [renewing, vip] });

    const read = await callBrand("GET", `/v1/fan-lists/${vip.id}`, creator.auth);
    expect(await read.json()).toEqual(vip);

    const renamed = await callBrand("PATCH", `/v1/fan-lists/${vip.id}`, creator.auth, { name: "Top fans" });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ id: vip.id, name: "Top fans", createdAt: vip.createdAt });

    const deleted = await callBrand("DELETE", `/v1/fan-lists/${vip.id}`, creator.auth);
    expect(deleted.status).toBe(204);
    await expectProblem(await callBrand("GET", `/v1/fan-lists/${vip.id}`, creator.auth), 404, "not_found");
    await expectProblem(await callBrand("DELETE", `/v1/fan-lists/${vip.id}`, creator.auth), 404, "not_found");
    expect(await (await callBrand("GET", "/v1/fan-lists", creator.auth)).json()).toEqual({
      items: [renewing],
    });
  });

  it("belong to the creator on every brand", async () => {
    const creator = await signedIn("creator");
    const list = await createList(creator.auth, "VIP");
    const onPupfanz = bearer(await accessToken({ accountId: creator.id, brand: "pupfanz" }));
    const read = await callBrand("GET", `/v1/fan-lists/${list.id}`, onPupfanz, undefined, "pupfanz");
    expect(await read.json()).toEqual(list);
  });

  it("have names unique per creator without regard to case", async () => {
    const creator = await signedIn("creator");
    const vip = await createList(creator.auth, "VIP");
    const other = await createList(creator.auth, "Others");

    const duplicate = await expectProblem(
      await callBrand("POST", "/v1/fan-lists", creator.auth, { name: "vip" }),
      409,
      "conflict",
    );
    expect(duplicate.errors).toEqual([expect.objectContaining({ location: "body", path: "name" })]);
    await expectProblem(
      await callBrand("PATCH", `/v1/fan-lists/${other.id}`, creator.auth, { name: "Vip" }),
      409,
      "conflict",
    );
    // A list may change the case of its own name.
    const recased = await callBrand("PATCH", `/v1/fan-lists/${vip.id}`, creator.auth, { name: "vip" });
    expect(await recased.json()).toMatchObject({ id: vip.id, name: "vip" });
    // Another creator's names are theirs to choose.
    await createList((await signedIn("creator")).auth, "VIP");

    const names = await env.DB.prepare("SELECT name FROM fan_list WHERE creator_profile_id = ? ORDER BY name")
      .bind(creator.profileId)
      .all<{ name: string }>();
    expect(names.results.map((row) => row.name)).toEqual(["Others", "vip"]);
  });

  it("refuse invalid names, unknown fields and malformed ids", async () => {
    const creator = await signedIn("creator");
    for (const body of [{ name: "   " }, { name: "x".repeat(61) }, {}, { name: 7 }]) {
      const problem = await expectProblem(
        await callBrand("POST", "/v1/fan-lists", creator.auth, body),
        400,
        "validation_failed",
      );
      expect(problem.errors?.[0]).toMatchObject({ location: "body", path: "name" });
    }
    await expectProblem(
      await callBrand("POST", "/v1/fan-lists", creator.auth, { name: "VIP", creatorProfileId: "prf_x" }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await callBrand("GET", "/v1/fan-lists/lst_1", creator.auth),
      400,
      "validation_failed",
    );
    const list = await createList(creator.auth, "x".repeat(60));
    await expectProblem(
      await callBrand("PATCH", `/v1/fan-lists/${list.id}`, creator.auth, { name: "" }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await callBrand("PATCH", `/v1/fan-lists/${UNKNOWN_LIST}`, creator.auth, { name: "New" }),
      404,
      "not_found",
    );
  });
});

describe("fan list security", () => {
  it("another creator can neither see nor change a list: it answers as if it did not exist", async () => {
    const owner = await signedIn("creator");
    const intruder = await signedIn("creator");
    const fan = await signedIn("fan");
    await callBrand("POST", `/v1/profiles/${owner.profileId}/follow`, fan.auth);
    await callBrand("POST", `/v1/profiles/${intruder.profileId}/follow`, fan.auth);
    const list = await createList(owner.auth, "VIP");
    const added = await callBrand("POST", `/v1/fan-lists/${list.id}/members`, owner.auth, {
      profileIds: [fan.profileId],
    });
    expect(added.status).toBe(200);

    const path = `/v1/fan-lists/${list.id}`;
    const attempts: [string, string, unknown?][] = [
      ["GET", path],
      ["PATCH", path, { name: "Mine now" }],
      ["DELETE", path],
      ["GET", `${path}/members`],
      ["POST", `${path}/members`, { profileIds: [fan.profileId] }],
      ["DELETE", `${path}/members/${fan.profileId}`],
    ];
    for (const [method, target, body] of attempts) {
      const theirs = await expectProblem(
        await callBrand(method, target, intruder.auth, body),
        404,
        "not_found",
      );
      const unknown = await expectProblem(
        await callBrand(method, target.replace(list.id, UNKNOWN_LIST), intruder.auth, body),
        404,
        "not_found",
      );
      expect(theirs.detail).toBe(unknown.detail);
    }
    expect(await (await callBrand("GET", "/v1/fan-lists", intruder.auth)).json()).toEqual({ items: [] });
    const unchanged = await callBrand("GET", path, owner.auth);
    expect(await unchanged.json()).toMatchObject({ name: "VIP", memberCount: 1 });
  });

  it("only creators keep lists: a fan is refused", async () => {
    const fan = await signedIn("fan");
    await expectProblem(
      await callBrand("POST", "/v1/fan-lists", fan.auth, { name: "VIP" }),
      403,
      "forbidden",
    );
    await expectProblem(await callBrand("GET", "/v1/fan-lists", fan.auth), 403, "forbidden");
    const written = await env.DB.prepare("SELECT count(*) AS n FROM fan_list WHERE creator_profile_id = ?")
      .bind(fan.profileId)
      .first<{ n: number }>();
    expect(written?.n).toBe(0);
  });

  it("every route refuses anonymous callers and tokens of another brand", async () => {
    const creator = await signedIn("creator");
    const list = await createList(creator.auth, "VIP");
    const routes: [string, string, unknown?][] = [
      ["POST", "/v1/fan-lists", { name: "VIP" }],
      ["GET", "/v1/fan-lists"],
      ["GET", `/v1/fan-lists/${list.id}`],
      ["PATCH", `/v1/fan-lists/${list.id}`, { name: "New" }],
      ["DELETE", `/v1/fan-lists/${list.id}`],
      ["GET", `/v1/fan-lists/${list.id}/members`],
      ["POST", `/v1/fan-lists/${list.id}/members`, { profileIds: [creator.profileId] }],
      ["DELETE", `/v1/fan-lists/${list.id}/members/${creator.profileId}`],
    ];
    for (const [method, path, body] of routes) {
      await expectProblem(await callBrand(method, path, {}, body), 401, "unauthenticated");
      await expectProblem(
        await callBrand(method, path, creator.auth, body, "pupfanz"),
        401,
        "unauthenticated",
      );
    }
    expect(await (await callBrand("GET", `/v1/fan-lists/${list.id}`, creator.auth)).json()).toEqual(list);
  });
});

describe("fan list documentation", () => {
  it("documents every route, with the 409 of a taken name", async () => {
    const response = await callBrand("GET", "/openapi.json");
    const document = (await response.json()) as {
      paths: Record<string, Record<string, { responses: object }>>;
    };
    expect(Object.keys(document.paths["/v1/fan-lists"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(document.paths["/v1/fan-lists/{id}"] ?? {}).sort()).toEqual([
      "delete",
      "get",
      "patch",
    ]);
    expect(Object.keys(document.paths["/v1/fan-lists/{id}/members"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(document.paths["/v1/fan-lists/{id}/members/{profileId}"] ?? {})).toEqual(["delete"]);
    expect(document.paths["/v1/fan-lists"]?.post?.responses).toHaveProperty("409");
    expect(document.paths["/v1/fan-lists/{id}"]?.patch?.responses).toHaveProperty("409");
  });
});
