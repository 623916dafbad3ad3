import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { accessToken, BRAND_HOSTS, bearer, callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";

const fan = SEED.accounts.fan.id;
const creator = SEED.accounts.creator.id;

async function patchMe(body: unknown, options: { token?: string; host?: string } = {}) {
  return callWorker("/v1/me", {
    method: "PATCH",
    host: options.host ?? BRAND_HOSTS.girlfanz,
    headers: options.token ? bearer(options.token) : {},
    json: body,
  });
}

const profileOf = (accountId: string) =>
  env.DB.prepare("SELECT id, handle, display_name, bio FROM profile WHERE account_id = ?")
    .bind(accountId)
    .first<{ id: string; handle: string; display_name: string; bio: string | null }>();

describe("PATCH /v1/me", () => {
  it("changes the caller's display name, bio and handle, answering as GET /v1/me does", async () => {
    const token = await accessToken({ accountId: fan, brand: "girlfanz" });
    const response = await patchMe(
      { displayName: "Fan Again", bio: "Dogs and more dogs.", handle: "Fan_Again" },
      { token },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const body = (await response.json()) as { account: object; profile: object; tenant: string };
    expect(body.account).toEqual({ id: fan, email: "fan@fun.localhost", status: "active" });
    expect(body.profile).toMatchObject({
      id: SEED.profiles.fan.id,
      handle: "Fan_Again",
      displayName: "Fan Again",
      bio: "Dogs and more dogs.",
      type: "fan",
    });
    expect(body.tenant).toBe("girlfanz");
    const got = await callWorker("/v1/me", { host: BRAND_HOSTS.girlfanz, headers: bearer(token) });
    expect(await got.json()).toEqual(body);

    const cleared = await patchMe({ bio: null }, { token });
    expect(((await cleared.json()) as { profile: { bio: unknown } }).profile.bio).toBeNull();
  });

  it("changes only the caller's own profile", async () => {
    const creatorBefore = await profileOf(creator);
    const token = await accessToken({ accountId: fan });
    expect((await patchMe({ displayName: "Only Me" }, { token })).status).toBe(200);
    expect(await profileOf(creator)).toEqual(creatorBefore);
    expect(await profileOf(fan)).toMatchObject({ display_name: "Only Me" });
  });

  it("refuses fields that cannot be changed here, naming each of them, and changes nothing", async () => {
    const before = await profileOf(fan);
    const token = await accessToken({ accountId: fan });
    const response = await patchMe(
      { displayName: "Sneaky", email: "evil@example.com", status: "active", role: "staff" },
      { token },
    );
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(["email", "role", "status"]);
    expect(problem.detail).toContain("body.email");
    expect(await profileOf(fan)).toEqual(before);
    const account = await env.DB.prepare("SELECT email, status FROM account WHERE id = ?").bind(fan).first();
    expect(account).toEqual({ email: "fan@fun.localhost", status: "active" });
  });

  it("refuses a handle another profile has, whatever its case, naming the field", async () => {
    const token = await accessToken({ accountId: fan });
    const response = await patchMe({ handle: "DEMO_CREATOR" }, { token });
    const problem = await expectProblem(response, 409, "conflict");
    expect(problem.errors).toEqual([{ location: "body", path: "handle", message: "This handle is taken." }]);
    expect(await profileOf(creator)).toMatchObject({ handle: "demo_creator" });
  });

  it("lets the caller keep their own handle, in another case", async () => {
    const token = await accessToken({ accountId: creator });
    const response = await patchMe({ handle: "Demo_Creator" }, { token });
    expect(response.status).toBe(200);
    await patchMe({ handle: "demo_creator" }, { token });
  });

  it("refuses an empty change and invalid values", async () => {
    const token = await accessToken({ accountId: fan });
    for (const body of [
      {},
      { displayName: "" },
      { displayName: "x".repeat(61) },
      { bio: "x".repeat(501) },
      { handle: "ab" },
      { handle: "has space" },
      { handle: "x".repeat(31) },
    ]) {
      await expectProblem(await patchMe(body, { token }), 400, "validation_failed");
    }
    const noBody = await callWorker("/v1/me", {
      method: "PATCH",
      host: BRAND_HOSTS.girlfanz,
      headers: { ...bearer(token), "content-type": "application/json" },
    });
    expect(noBody.status).toBe(400);
  });

  it("refuses a caller without a token", async () => {
    await expectProblem(await patchMe({ displayName: "Anonymous" }), 401, "unauthenticated");
  });

  it("refuses a token issued for another brand", async () => {
    const token = await accessToken({ accountId: fan, brand: "pupfanz" });
    await expectProblem(await patchMe({ displayName: "Wrong Brand" }, { token }), 401, "unauthenticated");
  });

  it("refuses a disabled account", async () => {
    const token = await accessToken({ accountId: SEED.accounts.staff.id });
    const before = await profileOf(SEED.accounts.staff.id);
    await env.DB.prepare("UPDATE account SET status = 'disabled' WHERE id = ?")
      .bind(SEED.accounts.staff.id)
      .run();
    await expectProblem(await patchMe({ displayName: "Still Here" }, { token }), 403, "forbidden");
    expect(await profileOf(SEED.accounts.staff.id)).toEqual(before);
  });
});
