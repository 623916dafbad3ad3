import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { accessToken, BRAND_HOSTS, bearer, expectProblem, gatewayRequest } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { createGatewayApp } from "../app";
import { requirePermission } from "./authenticate";

const app = createGatewayApp({
  extraRoutes: (a) =>
    a.post("/v1/test/moderate", requirePermission("moderation:review"), (c) =>
      c.json({ by: c.get("auth").principal?.accountId }),
    ),
});

async function moderate(accountId: string, brand: keyof typeof SEED.tenants) {
  const token = await accessToken({ accountId, brand });
  const request = gatewayRequest("/v1/test/moderate", {
    method: "POST",
    host: BRAND_HOSTS[brand],
    headers: bearer(token),
  });
  return app.fetch(request, env, createExecutionContext());
}

describe("requirePermission", () => {
  it("lets staff through on a brand where they hold the permission", async () => {
    const response = await moderate(SEED.accounts.staff.id, "daddyfanz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ by: SEED.accounts.staff.id });
  });

  it("refuses a creator, who lacks the permission, with 403", async () => {
    const problem = await expectProblem(
      await moderate(SEED.accounts.creator.id, "girlfanz"),
      403,
      "forbidden",
    );
    expect(problem.detail).toContain("moderation:review");
  });

  it("refuses an anonymous caller with 401 before looking at permissions", async () => {
    const request = gatewayRequest("/v1/test/moderate", { method: "POST" });
    await expectProblem(await app.fetch(request, env, createExecutionContext()), 401, "unauthenticated");
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("publishes the public keys that verify our tokens, on the auth host only", async () => {
    const response = await app.fetch(
      gatewayRequest("/.well-known/jwks.json", { host: "auth.localhost" }),
      env,
      createExecutionContext(),
    );
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    for (const key of jwks.keys) expect(key).not.toHaveProperty("d");
    const onBrand = await app.fetch(gatewayRequest("/.well-known/jwks.json"), env, createExecutionContext());
    await expectProblem(onBrand, 404, "not_found");
  });
});
