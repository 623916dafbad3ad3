import { env } from "cloudflare:workers";
import { createCoreDb } from "@fun/db";
import { applyOnce, createEvent } from "@fun/events";
import { callBrand } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { notificationsInboxProjection } from "./inbox.projection";
import {
  crosspost,
  deliver,
  draftPost,
  follow,
  outboxEvents,
  publish,
  publishedPost,
  pushesTo,
  setVisible,
  someone,
  storedNotifications,
  tenantIdOf,
  theEvent,
} from "./notifications.testing";

const db = createCoreDb(env.DB);

async function pushCount(notificationId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM dev_push WHERE id = ?")
    .bind(notificationId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("a follow", () => {
  it("notifies the followee once, on the brand where it happened and nowhere else, and pushes it", async () => {
    const fan = await someone();
    const creator = await someone({ creator: true });
    await follow(fan, creator, "pupfanz");
    await follow(fan, creator, "pupfanz");
    await follow(fan, creator, "girlfanz");

    // Only the follow that created the row is announced.
    const event = await theEvent("fun.profile.followed", "followerId", fan.profileId);
    expect(event).toMatchObject({
      source: "social",
      tenantid: tenantIdOf("pupfanz"),
      subject: creator.profileId,
      data: { followerId: fan.profileId, followeeId: creator.profileId, tenantId: "pupfanz" },
    });
    await deliver(event);

    const notifications = await storedNotifications(creator.profileId);
    expect(notifications).toEqual([
      {
        id: expect.stringMatching(/^ntf_[0-9A-Z]{26}$/),
        tenant_id: tenantIdOf("pupfanz"),
        kind: "new_follower",
        actor_profile_id: fan.profileId,
        subject_id: null,
        event_id: event.id,
      },
    ]);
    expect(await storedNotifications(fan.profileId)).toEqual([]);
    expect(await pushesTo(creator.profileId)).toEqual([
      {
        id: notifications[0]?.id,
        profileId: creator.profileId,
        tenantId: tenantIdOf("pupfanz"),
        title: "New follower",
        body: `${fan.name} (@${fan.handle}) followed you on PupFanz.`,
        url: null,
        createdAt: expect.any(Number),
      },
    ]);
  });

  it("announces a follow again after an unfollow", async () => {
    const fan = await someone();
    const creator = await someone({ creator: true });
    await follow(fan, creator);
    const unfollow = await callBrand("DELETE", `/v1/profiles/${creator.profileId}/follow`, await fan.auth());
    expect(unfollow.status).toBe(200);
    await follow(fan, creator);
    expect(await outboxEvents("fun.profile.followed", "followerId", fan.profileId)).toHaveLength(2);
  });
});

describe("a published post", () => {
  it("notifies the creator's followers on that brand, but not blocked ones and not where the creator is hidden", async () => {
    const creator = await someone({ creator: true });
    const [fan, blockedByCreator, blockingCreator, unfollowed] = await Promise.all([
      someone(),
      someone(),
      someone(),
      someone(),
    ]);
    for (const follower of [fan, blockedByCreator, blockingCreator]) await follow(follower, creator);
    // Blocks made while the follows stand (the block route would also end the follows).
    await env.DB.batch([
      env.DB.prepare("INSERT INTO block (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)").bind(
        creator.profileId,
        blockedByCreator.profileId,
        Date.now(),
      ),
      env.DB.prepare("INSERT INTO block (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)").bind(
        blockingCreator.profileId,
        creator.profileId,
        Date.now(),
      ),
    ]);

    const postId = await publishedPost(creator);
    const published = await theEvent("fun.content.published", "contentId", postId);
    expect(published.data).toMatchObject({ creatorId: creator.profileId, tenantId: "girlfanz" });
    await deliver(published);

    const notified = await storedNotifications(fan.profileId);
    expect(notified).toEqual([
      {
        id: expect.stringMatching(/^ntf_/),
        tenant_id: tenantIdOf("girlfanz"),
        kind: "new_post",
        actor_profile_id: creator.profileId,
        subject_id: postId,
        event_id: published.id,
      },
    ]);
    for (const other of [blockedByCreator, blockingCreator, unfollowed, creator]) {
      expect(await storedNotifications(other.profileId)).toEqual([]);
    }
    const [push] = await pushesTo(fan.profileId);
    expect(push).toMatchObject({ id: notified[0]?.id, title: "New post" });
    expect(push?.body).toBe(`${creator.name} (@${creator.handle}) posted something new on GirlFanz.`);

    // The creator hides on girlfanz: a post published there now notifies nobody.
    const hiddenPost = await draftPost(creator);
    await setVisible(creator.profileId, "girlfanz", false);
    await publish(creator, hiddenPost);
    await deliver(await theEvent("fun.content.published", "contentId", hiddenPost));
    expect(await storedNotifications(fan.profileId)).toHaveLength(1);
  });
});

describe("a cross-post", () => {
  it("notifies followers on the target brands and tells the creator it is done", async () => {
    const creator = await someone({ creator: true });
    const fan = await someone();
    await follow(fan, creator);
    const postId = await publishedPost(creator);
    await deliver(await theEvent("fun.content.published", "contentId", postId));
    await crosspost(creator, postId, ["pupfanz", "daddyfanz"]);
    const crossposted = await theEvent("fun.content.crossposted", "contentId", postId);
    await deliver(crossposted);

    const byBrand = (await storedNotifications(fan.profileId)).map((n) => [
      n.tenant_id,
      n.kind,
      n.subject_id,
    ]);
    expect(byBrand.sort()).toEqual(
      [
        [tenantIdOf("girlfanz"), "new_post", postId],
        [tenantIdOf("pupfanz"), "new_post", postId],
        [tenantIdOf("daddyfanz"), "new_post", postId],
      ].sort(),
    );
    expect(await storedNotifications(creator.profileId)).toEqual([
      {
        id: expect.stringMatching(/^ntf_/),
        tenant_id: tenantIdOf("girlfanz"),
        kind: "crosspost_done",
        actor_profile_id: null,
        subject_id: postId,
        event_id: crossposted.id,
      },
    ]);
    expect((await pushesTo(creator.profileId))[0]).toMatchObject({
      title: "Cross-post live",
      body: "Your post is live on pupfanz, daddyfanz.",
      tenantId: tenantIdOf("girlfanz"),
    });
  });

  it("does not notify on a target brand where the creator is hidden when the event is applied", async () => {
    const creator = await someone({ creator: true });
    const fan = await someone();
    await follow(fan, creator);
    const postId = await publishedPost(creator);
    await deliver(await theEvent("fun.content.published", "contentId", postId));
    // Live on pupfanz and daddyfanz, then the creator hides on daddyfanz before the event is applied.
    // The event is made here, not by the cross-post route, so the real queue never applies it first.
    await env.DB.batch(
      (["pupfanz", "daddyfanz"] as const).map((brand) =>
        env.DB.prepare(
          "INSERT INTO content_tenant_map (id, content_id, tenant_id, status, publish_at, created_at, updated_at) VALUES (?, ?, ?, 'published', ?, ?, ?)",
        ).bind(
          `ctm_${postId.slice(4, 25)}${brand.slice(0, 5).toUpperCase()}`,
          postId,
          tenantIdOf(brand),
          Date.now(),
          Date.now(),
          Date.now(),
        ),
      ),
    );
    await setVisible(creator.profileId, "daddyfanz", false);
    await deliver(
      createEvent(
        "fun.content.crossposted",
        { contentId: postId, fromTenant: "girlfanz", toTenants: ["pupfanz", "daddyfanz"] },
        { tenantId: tenantIdOf("girlfanz"), subject: postId },
      ),
    );
    const brands = (await storedNotifications(fan.profileId)).map((n) => n.tenant_id);
    expect(brands.sort()).toEqual([tenantIdOf("girlfanz"), tenantIdOf("pupfanz")].sort());
  });
});

describe("redelivery", () => {
  it("makes no duplicate notifications and no duplicate pushes", async () => {
    const creator = await someone({ creator: true });
    const fans = await Promise.all([someone(), someone()]);
    for (const fan of fans) await follow(fan, creator);
    const postId = await publishedPost(creator);
    const published = await theEvent("fun.content.published", "contentId", postId);
    await deliver(published, 2);
    await deliver(published);

    for (const fan of fans) {
      const notified = await storedNotifications(fan.profileId);
      expect(notified.filter((n) => n.event_id === published.id)).toHaveLength(1);
      expect(await pushCount(notified[0]?.id ?? "")).toBe(1);
      expect(await pushesTo(fan.profileId)).toHaveLength(1);
    }
  });

  it("still pushes, once, when the first delivery stopped between the inbox write and the pushes", async () => {
    const creator = await someone({ creator: true });
    const fan = await someone();
    await env.DB.prepare("INSERT INTO follow (follower_id, followee_id, created_at) VALUES (?, ?, ?)")
      .bind(fan.profileId, creator.profileId, Date.now())
      .run();
    // An event of our own, so the real queue never sees it.
    const event = createEvent(
      "fun.profile.followed",
      { followerId: fan.profileId, followeeId: creator.profileId, tenantId: "girlfanz" },
      { tenantId: tenantIdOf("girlfanz"), subject: creator.profileId },
    );
    expect(await applyOnce(db, notificationsInboxProjection, event)).toBe("applied");
    const [notification] = await storedNotifications(creator.profileId);
    expect(await pushCount(notification?.id ?? "")).toBe(0);

    await deliver(event);
    await deliver(event, 2);
    expect(await storedNotifications(creator.profileId)).toHaveLength(1);
    expect(await pushCount(notification?.id ?? "")).toBe(1);
  });
});
