import { env } from "cloudflare:workers";
import { verifyAccessToken } from "@fun/auth";
import { SEED } from "@fun/db/seed";
import { accessToken, bearer, callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { issuerKeyRing } from "./issuer-keys";

const ROTATE = "/v1/admin/signing-keys/rotate";

async function jwks() {
  const response = await callWorker("/.well-known/jwks.json", { host: "auth.localhost" });
  return (await response.json()) as { keys: { kid: string }[] };
}

describe("rotating the signing keys by a staff call", () => {
  it("needs the platform-wide keys:rotate permission", async () => {
    await expectProblem(await callWorker(ROTATE, { method: "POST" }), 401, "unauthenticated");
    // Brand staff moderate one brand; they do not hold the platform's keys.
    const staff = await accessToken({ accountId: SEED.accounts.staff.id });
    await expectProblem(
      await callWorker(ROTATE, { method: "POST", headers: bearer(staff) }),
      403,
      "forbidden",
    );
  });

  it("publishes a new next key, signs with the old next one and still accepts earlier tokens", async () => {
    await env.DB.prepare(
      "INSERT INTO account_role (id, account_id, role_id, tenant_id, created_at) VALUES ('arl_rotate_test', ?, ?, NULL, ?)",
    )
      .bind(SEED.accounts.fan.id, SEED.roles.admin.id, Date.now())
      .run();
    const admin = await accessToken({ accountId: SEED.accounts.fan.id });
    const before = (await jwks()).keys.map((key) => key.kid);

    const response = await callWorker(ROTATE, { method: "POST", headers: bearer(admin) });
    expect(response.status).toBe(200);
    const { kids } = (await response.json()) as { kids: string[] };
    expect(kids.filter((kid) => !before.includes(kid))).toHaveLength(1);
    expect(kids).toEqual(expect.arrayContaining(before));

    // The token signed before the rotation still verifies against the published set.
    const published = await issuerKeyRing(env).jwks();
    const earlier = await verifyAccessToken(admin, {
      jwks: published,
      issuer: env.AUTH_ISSUER,
      audience: env.API_AUDIENCE,
      tenant: SEED.tenants.girlfanz.id,
    });
    expect(earlier.ok).toBe(true);
    const after = await accessToken({ accountId: SEED.accounts.fan.id });
    const header = JSON.parse(atob(after.split(".")[0] ?? "")) as { kid: string };
    expect(header.kid).not.toBe(JSON.parse(atob(admin.split(".")[0] ?? "")).kid);
    expect((await callWorker("/v1/me", { headers: bearer(after) })).status).toBe(200);
  });
});
