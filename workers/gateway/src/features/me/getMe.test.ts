import { env } from "cloudflare:workers";
import { toBase64Url } from "@fun/core";
import { SEED } from "@fun/db/seed";
import { accessToken, BRAND_HOSTS, bearer, callWorker, expectProblem } from "@fun/testing";
import { generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";

const creator = SEED.accounts.creator.id;

const base64url = (value: object) => toBase64Url(new TextEncoder().encode(JSON.stringify(value)));

async function expectRefused(token: string | undefined, host: string = BRAND_HOSTS.girlfanz) {
  const response = await callWorker("/v1/me", { host, headers: token ? bearer(token) : {} });
  const problem = await expectProblem(response, 401, "unauthenticated");
  expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="fun-core"/);
  return { problem, response };
}

describe("GET /v1/me", () => {
  it("answers with the account, its profile and its permissions on this brand", async () => {
    const token = await accessToken({ accountId: creator, brand: "girlfanz" });
    const response = await callWorker("/v1/me", { host: BRAND_HOSTS.girlfanz, headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const body = (await response.json()) as {
      account: object;
      profile: object;
      tenant: string;
      permissions: string[];
    };
    expect(body.account).toEqual({ id: creator, email: "creator@fun.localhost", status: "active" });
    expect(body.profile).toMatchObject({
      id: SEED.profiles.creator.id,
      handle: "demo_creator",
      type: "creator",
    });
    expect(body.tenant).toBe("girlfanz");
    expect(body.permissions).toContain("content:write");
    expect(body.permissions).not.toContain("moderation:review");
  });

  it("accepts the Bearer scheme in any case", async () => {
    const token = await accessToken({ accountId: creator });
    const response = await callWorker("/v1/me", { headers: { authorization: `bearer ${token}` } });
    expect(response.status).toBe(200);
  });

  it("shows staff their moderation permission only on a brand where they are staff", async () => {
    const token = await accessToken({ accountId: SEED.accounts.staff.id, brand: "pupfanz" });
    const response = await callWorker("/v1/me", { host: BRAND_HOSTS.pupfanz, headers: bearer(token) });
    const body = (await response.json()) as { permissions: string[] };
    expect(body.permissions).toContain("moderation:review");
  });

  it("refuses a caller without a token, saying how to authenticate", async () => {
    const { response } = await expectRefused(undefined);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="fun-core"');
  });

  it("refuses a token issued for another brand until it is exchanged", async () => {
    const token = await accessToken({ accountId: creator, brand: "pupfanz" });
    const { problem, response } = await expectRefused(token, BRAND_HOSTS.girlfanz);
    expect(problem.detail).toContain("another brand");
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("refuses an expired token", async () => {
    const token = await accessToken({ accountId: creator, now: Date.now() - 3_600_000 });
    await expectRefused(token);
  });

  it("refuses a token for another audience or from another issuer", async () => {
    await expectRefused(await accessToken({ accountId: creator, audience: "someone-else" }));
    await expectRefused(await accessToken({ accountId: creator, issuer: "https://evil.example" }));
  });

  it("refuses an unsigned token (alg none)", async () => {
    const claims = {
      iss: "http://auth.localhost:8787",
      sub: creator,
      aud: "fun-core-api",
      tenant: SEED.tenants.girlfanz.id,
    };
    const unsigned = `${base64url({ alg: "none", typ: "at+jwt" })}.${base64url({ ...claims, exp: 4e9, iat: 1 })}.`;
    await expectRefused(unsigned);
  });

  it("refuses a token signed with a key that is not the issuer's", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ tenant: SEED.tenants.girlfanz.id, scope: "openid" })
      .setProtectedHeader({ alg: "ES256", kid: "key_forged", typ: "at+jwt" })
      .setIssuer("http://auth.localhost:8787")
      .setSubject(creator)
      .setAudience("fun-core-api")
      .setIssuedAt()
      .setExpirationTime("5m")
      .setJti("j")
      .sign(privateKey);
    await expectRefused(forged);
  });

  it("refuses a tampered token", async () => {
    const token = await accessToken({ accountId: creator });
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(atob((payload ?? "").replaceAll("-", "+").replaceAll("_", "/")));
    await expectRefused(`${header}.${base64url({ ...claims, sub: SEED.accounts.staff.id })}.${signature}`);
  });

  it("refuses a disabled account even with a valid token", async () => {
    await (env as unknown as { DB: D1Database }).DB.prepare(
      "UPDATE account SET status = 'disabled' WHERE id = ?",
    )
      .bind(SEED.accounts.fan.id)
      .run();
    const token = await accessToken({ accountId: SEED.accounts.fan.id });
    const response = await callWorker("/v1/me", { headers: bearer(token) });
    await expectProblem(response, 403, "forbidden");
  });
});
