import { env } from "cloudflare:workers";
import { accessToken, bearer, callBrand, expectProblem, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";

type Member = { profileId: string; handle: string; displayName: string; addedAt: string };
type MemberPage = { items: Member[]; nextCursor: string | null };

async function signedIn(type: "creator" | "fan") {
  const person = await newPerson({ present: true });
  if (type === "creator") {
    await env.DB.prepare("UPDATE profile SET type = 'creator' WHERE id = ?").bind(person.profileId).run();
  }
  return { ...person, auth: bearer(await accessToken({ accountId: person.id })) };
}

type Person = Awaited<ReturnType<typeof signedIn>>;

async function follower(creator: Person): Promise<Person> {
  const fan = await signedIn("fan");
  const response = await callBrand("POST", `/v1/profiles/${creator.profileId}/follow`, fan.auth);
  expect(response.status).toBe(200);
  return fan;
}

async function listOf(creator: Person, name = "VIP"): Promise<string> {
  const response = await callBrand("POST", "/v1/fan-lists", creator.auth, { name });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const add = (creator: Person, listId: string, profileIds: string[]) =>
  callBrand("POST", `/v1/fan-lists/${listId}/members`, creator.auth, { profileIds });

async function storedMembers(listId: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT fan_profile_id AS id FROM fan_list_member WHERE list_id = ? ORDER BY fan_profile_id",
  )
    .bind(listId)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

describe("fan list members", () => {
  it("adds followers idempotently, pages them last added first, and removes them", async () => {
    const creator = await signedIn("creator");
    const [a, b, c] = [await follower(creator), await follower(creator), await follower(creator)];
    const list = await listOf(creator);

    const first = await add(creator, list, [a.profileId, b.profileId]);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ added: 2, memberCount: 2 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await add(creator, list, [b.profileId, c.profileId, c.profileId]);
    expect(await again.json()).toEqual({ added: 1, memberCount: 3 });
    const summary = await callBrand("GET", `/v1/fan-lists/${list}`, creator.auth);
    expect(await summary.json()).toMatchObject({ memberCount: 3 });

    const path = `/v1/fan-lists/${list}/members`;
    const page1 = (await (await callBrand("GET", `${path}?limit=2`, creator.auth)).json()) as MemberPage;
    expect(page1.items).toHaveLength(2);
    expect(page1.items[0]).toEqual({
      profileId: c.profileId,
      handle: c.handle,
      displayName: c.name,
      addedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await (
      await callBrand("GET", `${path}?limit=2&cursor=${page1.nextCursor}`, creator.auth)
    ).json()) as MemberPage;
    expect(page2.nextCursor).toBeNull();
    const seen = [...page1.items, ...page2.items].map((member) => member.profileId);
    expect(seen.sort()).toEqual([a.profileId, b.profileId, c.profileId].sort());

    const removed = await callBrand("DELETE", `${path}/${b.profileId}`, creator.auth);
    expect(removed.status).toBe(204);
    expect((await callBrand("DELETE", `${path}/${b.profileId}`, creator.auth)).status).toBe(204);
    expect(await storedMembers(list)).toEqual([a.profileId, c.profileId].sort());
  });

  it("lists members whatever their presence on this brand", async () => {
    const creator = await signedIn("creator");
    const fan = await follower(creator);
    const list = await listOf(creator);
    await add(creator, list, [fan.profileId]);
    await env.DB.prepare("UPDATE profile_tenant SET is_visible = 0 WHERE profile_id = ?")
      .bind(fan.profileId)
      .run();
    const page = (await (
      await callBrand("GET", `/v1/fan-lists/${list}/members`, creator.auth)
    ).json()) as MemberPage;
    expect(page.items.map((member) => member.profileId)).toEqual([fan.profileId]);
  });

  it("refuses non-followers, blocked and unknown profiles by position, and then adds none", async () => {
    const creator = await signedIn("creator");
    const fan = await follower(creator);
    const stranger = await signedIn("fan");
    const blockedByCreator = await follower(creator);
    const blockingCreator = await follower(creator);
    await callBrand("POST", `/v1/profiles/${blockedByCreator.profileId}/block`, creator.auth);
    await callBrand("POST", `/v1/profiles/${creator.profileId}/block`, blockingCreator.auth);
    // The block routes end follows; put them back so the block alone is what refuses these two.
    for (const blocked of [blockedByCreator, blockingCreator]) {
      await env.DB.prepare("INSERT INTO follow (follower_id, followee_id, created_at) VALUES (?, ?, ?)")
        .bind(blocked.profileId, creator.profileId, Date.now())
        .run();
    }
    const unknown = `prf_${"0".repeat(26)}`;
    const list = await listOf(creator);

    const problem = await expectProblem(
      await add(creator, list, [
        fan.profileId,
        stranger.profileId,
        blockedByCreator.profileId,
        unknown,
        blockingCreator.profileId,
      ]),
      400,
      "validation_failed",
    );
    const refused = [stranger, blockedByCreator, { profileId: unknown }, blockingCreator];
    expect(problem.errors).toEqual(
      refused.map((person, i) => ({
        location: "body",
        path: `profileIds.${i + 1}`,
        message: expect.stringContaining(person.profileId),
      })),
    );
    expect(problem.detail).toContain("body.profileIds.1");
    // Nothing at all was written, not even the one eligible fan.
    expect(await storedMembers(list)).toEqual([]);
    // The creator cannot put themselves on a list either.
    await expectProblem(await add(creator, list, [creator.profileId]), 400, "validation_failed");
    expect(await (await add(creator, list, [fan.profileId])).json()).toEqual({ added: 1, memberCount: 1 });
  });

  it("refuses malformed bodies and cursors", async () => {
    const creator = await signedIn("creator");
    const list = await listOf(creator);
    const tooMany = Array.from({ length: 101 }, (_, i) => `prf_${String(i).padStart(26, "0")}`);
    for (const profileIds of [[], ["not-an-id"], tooMany]) {
      await expectProblem(await add(creator, list, profileIds), 400, "validation_failed");
    }
    await expectProblem(
      await callBrand("GET", `/v1/fan-lists/${list}/members?cursor=nonsense`, creator.auth),
      400,
      "validation_failed",
    );
    await expectProblem(
      await callBrand("DELETE", `/v1/fan-lists/${list}/members/someone`, creator.auth),
      400,
      "validation_failed",
    );
  });

  it("accepts a full batch of 100 followers in one call", async () => {
    const creator = await signedIn("creator");
    const fans = await Promise.all(Array.from({ length: 100 }, () => newPerson()));
    await env.DB.batch(
      fans.map((fan) =>
        env.DB.prepare("INSERT INTO follow (follower_id, followee_id, created_at) VALUES (?, ?, ?)").bind(
          fan.profileId,
          creator.profileId,
          Date.now(),
        ),
      ),
    );
    const list = await listOf(creator);
    const response = await add(
      creator,
      list,
      fans.map((fan) => fan.profileId),
    );
    expect(await response.json()).toEqual({ added: 100, memberCount: 100 });
  });

  it("takes a fan off the creator's lists when either blocks the other", async () => {
    const creator = await signedIn("creator");
    const [blocked, blocker, kept] = [
      await follower(creator),
      await follower(creator),
      await follower(creator),
    ];
    const list = await listOf(creator);
    expect((await add(creator, list, [blocked.profileId, blocker.profileId, kept.profileId])).status).toBe(
      200,
    );
    expect((await callBrand("POST", `/v1/profiles/${blocked.profileId}/block`, creator.auth)).status).toBe(
      200,
    );
    expect((await callBrand("POST", `/v1/profiles/${creator.profileId}/block`, blocker.auth)).status).toBe(
      200,
    );
    expect(await storedMembers(list)).toEqual([kept.profileId]);
  });

  it("deleting a list removes its members, not the fans", async () => {
    const creator = await signedIn("creator");
    const fan = await follower(creator);
    const list = await listOf(creator);
    const other = await listOf(creator, "Others");
    await add(creator, list, [fan.profileId]);
    await add(creator, other, [fan.profileId]);
    expect((await callBrand("DELETE", `/v1/fan-lists/${list}`, creator.auth)).status).toBe(204);
    expect(await storedMembers(list)).toEqual([]);
    expect(await storedMembers(other)).toEqual([fan.profileId]);
    const profile = await env.DB.prepare("SELECT id FROM profile WHERE id = ?").bind(fan.profileId).first();
    expect(profile).not.toBeNull();
  });
});
