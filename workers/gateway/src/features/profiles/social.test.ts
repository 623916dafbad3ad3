import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callWorker, expectProblem, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";

const creator = SEED.profiles.creator;

async function personWithToken(brand: keyof typeof SEED.tenants = "girlfanz") {
  const person = await newPerson({ present: true });
  return {
    person,
    profileId: person.profileId,
    auth: bearer(await accessToken({ accountId: person.id, brand })),
  };
}

const call = (method: string, path: string, headers: Record<string, string> = {}, brand = "girlfanz") =>
  callWorker(path, { method, host: `${brand}.localhost`, headers });

async function follows(followerId: string, followeeId: string): Promise<boolean> {
  const row = await env.DB.prepare("SELECT 1 AS yes FROM follow WHERE follower_id = ? AND followee_id = ?")
    .bind(followerId, followeeId)
    .first();
  return row !== null;
}

describe("following", () => {
  it("follows and unfollows idempotently", async () => {
    const fan = await personWithToken();
    for (let i = 0; i < 2; i++) {
      const response = await call("POST", `/v1/profiles/${creator.id}/follow`, fan.auth);
      expect(await response.json()).toEqual({ profileId: creator.id, following: true });
    }
    expect(await follows(fan.profileId, creator.id)).toBe(true);
    const off = await call("DELETE", `/v1/profiles/${creator.id}/follow`, fan.auth);
    expect(await off.json()).toEqual({ profileId: creator.id, following: false });
    expect(await follows(fan.profileId, creator.id)).toBe(false);
  });

  it("refuses anonymous callers, itself, and profiles not on this brand", async () => {
    const fan = await personWithToken();
    await expectProblem(await call("POST", `/v1/profiles/${creator.id}/follow`), 401, "unauthenticated");
    await expectProblem(
      await call("POST", `/v1/profiles/${fan.profileId}/follow`, fan.auth),
      400,
      "bad_request",
    );
    // Staff are not listed on any brand.
    await expectProblem(
      await call("POST", `/v1/profiles/${SEED.profiles.staff.id}/follow`, fan.auth),
      404,
      "not_found",
    );
    expect(await follows(fan.profileId, SEED.profiles.staff.id)).toBe(false);
  });
});

describe("blocking", () => {
  it("ends follows both ways, hides the blocker from the blocked and stops new follows, everywhere", async () => {
    const blocker = await personWithToken();
    const blocked = await personWithToken("pupfanz");
    await call("POST", `/v1/profiles/${blocked.profileId}/follow`, blocker.auth);
    await call("POST", `/v1/profiles/${blocker.profileId}/follow`, blocked.auth, "pupfanz");
    expect(await follows(blocked.profileId, blocker.profileId)).toBe(true);

    const response = await call("POST", `/v1/profiles/${blocked.profileId}/block`, blocker.auth);
    expect(await response.json()).toEqual({ profileId: blocked.profileId, blocked: true });
    expect(await follows(blocked.profileId, blocker.profileId)).toBe(false);
    expect(await follows(blocker.profileId, blocked.profileId)).toBe(false);

    // On pupfanz, where the block was not made: the blocked person still sees nothing.
    await expectProblem(
      await call("GET", `/v1/profiles/${blocker.person.handle}`, blocked.auth, "pupfanz"),
      404,
      "not_found",
    );
    await expectProblem(
      await call("GET", `/v1/profiles/${blocker.profileId}/links`, blocked.auth, "pupfanz"),
      404,
      "not_found",
    );
    await expectProblem(
      await call("POST", `/v1/profiles/${blocker.profileId}/follow`, blocked.auth, "pupfanz"),
      404,
      "not_found",
    );
    // Everyone else still sees the profile.
    expect((await call("GET", `/v1/profiles/${blocker.person.handle}`, {}, "pupfanz")).status).toBe(200);

    await call("DELETE", `/v1/profiles/${blocked.profileId}/block`, blocker.auth);
    expect((await call("GET", `/v1/profiles/${blocker.person.handle}`, blocked.auth, "pupfanz")).status).toBe(
      200,
    );
  });

  it("a bad token on a public route is refused rather than treated as anonymous", async () => {
    await expectProblem(
      await call("GET", "/v1/profiles/demo_creator", { authorization: "Bearer not.a.token" }),
      401,
      "unauthenticated",
    );
  });

  it("refuses blocking an unknown profile and anonymous callers", async () => {
    const someone = await personWithToken();
    await expectProblem(
      await call("POST", `/v1/profiles/prf_${"0".repeat(26)}/block`, someone.auth),
      404,
      "not_found",
    );
    await expectProblem(await call("POST", `/v1/profiles/${creator.id}/block`), 401, "unauthenticated");
  });
});
