import { callBrand, callWorker, expectProblem } from "@fun/testing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Brand,
  deliver,
  follow,
  type Someone,
  someone,
  storedNotifications,
  theEvent,
} from "./notifications.testing";

interface Page {
  items: {
    id: string;
    kind: string;
    actor: { id: string; handle: string; displayName: string } | null;
    subjectId: string | null;
    createdAt: string;
    read: boolean;
  }[];
  nextCursor: string | null;
  unreadCount: number;
}

async function inbox(who: Someone, query = "", brand: Brand = "girlfanz"): Promise<Page> {
  const response = await callBrand(
    "GET",
    `/v1/notifications${query}`,
    await who.auth(brand),
    undefined,
    brand,
  );
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("private, no-store");
  return (await response.json()) as Page;
}

async function markRead(who: Someone, body: unknown, brand: Brand = "girlfanz"): Promise<number> {
  const response = await callBrand("POST", "/v1/notifications:markRead", await who.auth(brand), body, brand);
  expect(response.status).toBe(200);
  return ((await response.json()) as { marked: number }).marked;
}

/** A creator followed by three fans on girlfanz (oldest first) and one on pupfanz, all applied. */
async function followedCreator() {
  const creator = await someone({ creator: true });
  const fans = [await someone(), await someone(), await someone()];
  for (const fan of fans) {
    await follow(fan, creator);
    await deliver(await theEvent("fun.profile.followed", "followerId", fan.profileId));
  }
  const elsewhere = await someone();
  await follow(elsewhere, creator, "pupfanz");
  await deliver(await theEvent("fun.profile.followed", "followerId", elsewhere.profileId));
  return { creator, fans, elsewhere };
}

describe("GET /v1/notifications", () => {
  let world: Awaited<ReturnType<typeof followedCreator>>;
  beforeAll(async () => {
    world = await followedCreator();
  });

  it("lists the caller's notifications on this brand, newest first, page by page", async () => {
    const { creator, fans } = world;
    const first = await inbox(creator, "?limit=2");
    expect(first.unreadCount).toBe(3);
    expect(first.items.map((item) => item.actor?.id)).toEqual([fans[2]?.profileId, fans[1]?.profileId]);
    expect(first.items[0]).toEqual({
      id: expect.stringMatching(/^ntf_[0-9A-Z]{26}$/),
      kind: "new_follower",
      actor: { id: fans[2]?.profileId, handle: fans[2]?.handle, displayName: fans[2]?.name },
      subjectId: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      read: false,
    });
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await inbox(creator, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((item) => item.actor?.id)).toEqual([fans[0]?.profileId]);
    expect(second.nextCursor).toBeNull();
  });

  it("shows another brand's notifications only on that brand", async () => {
    const { creator, elsewhere } = world;
    const pupfanz = await inbox(creator, "", "pupfanz");
    expect(pupfanz.items.map((item) => item.actor?.id)).toEqual([elsewhere.profileId]);
    expect(pupfanz.unreadCount).toBe(1);
    expect((await inbox(creator, "", "daddyfanz")).items).toEqual([]);
    expect((await inbox(creator)).items.map((item) => item.actor?.id)).not.toContain(elsewhere.profileId);
  });

  it("shows nothing of someone else's inbox", async () => {
    const stranger = await someone();
    expect(await inbox(stranger)).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
  });

  it("refuses anonymous callers, other brands' tokens and cursors it did not give out", async () => {
    await expectProblem(await callBrand("GET", "/v1/notifications"), 401, "unauthenticated");
    const fan = await someone();
    await expectProblem(
      await callBrand("GET", "/v1/notifications", await fan.auth("pupfanz")),
      401,
      "unauthenticated",
    );
    await expectProblem(
      await callBrand("GET", "/v1/notifications?cursor=bm90LWEtY3Vyc29y", await fan.auth()),
      400,
      "validation_failed",
    );
    await expectProblem(
      await callBrand("GET", "/v1/notifications?unread=maybe", await fan.auth()),
      400,
      "validation_failed",
    );
    await expectProblem(await callWorker("/v1/notifications", { host: "auth.localhost" }), 404, "not_found");
  });
});

describe("POST /v1/notifications:markRead", () => {
  it("marks the given ones read, then all, counting only what changed", async () => {
    const { creator } = await followedCreator();
    const [newest, middle] = (await inbox(creator)).items;
    expect(await markRead(creator, { ids: [newest?.id, middle?.id] })).toBe(2);
    expect(await markRead(creator, { ids: [newest?.id] })).toBe(0);

    const unread = await inbox(creator, "?unread=true");
    expect(unread.unreadCount).toBe(1);
    expect(unread.items).toHaveLength(1);
    expect(unread.items[0]?.read).toBe(false);
    expect((await inbox(creator)).items.map((item) => item.read)).toEqual([true, true, false]);

    expect(await markRead(creator, { all: true })).toBe(1);
    expect((await inbox(creator, "?unread=true")).items).toEqual([]);
    // The pupfanz notification is another brand's: untouched.
    expect((await inbox(creator, "", "pupfanz")).unreadCount).toBe(1);
  });

  it("leaves someone else's notifications alone and does not count them", async () => {
    const { creator, fans } = await followedCreator();
    const ids = (await storedNotifications(creator.profileId)).map((n) => n.id);
    const fan = fans[0] as Someone;
    expect(await markRead(fan, { ids })).toBe(0);
    expect(await markRead(fan, { all: true })).toBe(0);
    // Nor from the right profile on the wrong brand.
    expect(await markRead(creator, { ids }, "daddyfanz")).toBe(0);
    expect((await inbox(creator)).unreadCount).toBe(3);
    expect((await inbox(creator, "", "pupfanz")).unreadCount).toBe(1);
  });

  it("refuses anonymous callers and bodies that are neither ids nor all", async () => {
    await expectProblem(
      await callBrand("POST", "/v1/notifications:markRead", {}, { all: true }),
      401,
      "unauthenticated",
    );
    const fan = await someone();
    for (const body of [{}, { all: false }, { ids: [] }, { ids: ["prf_x"] }, { ids: [], all: true }]) {
      await expectProblem(
        await callBrand("POST", "/v1/notifications:markRead", await fan.auth(), body),
        400,
        "validation_failed",
      );
    }
  });
});

describe("blocks", () => {
  it("hide notifications from someone the caller now blocks", async () => {
    const { creator, fans } = await followedCreator();
    const blocked = fans[1] as Someone;
    const response = await callBrand("POST", `/v1/profiles/${blocked.profileId}/block`, await creator.auth());
    expect(response.status).toBe(200);
    const page = await inbox(creator);
    expect(page.items.map((item) => item.actor?.id)).not.toContain(blocked.profileId);
    expect(page.unreadCount).toBe(2);
  });
});
