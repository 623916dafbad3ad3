import { env } from "cloudflare:workers";
import type { InternalWorker } from "@fun/contracts";
import { BRAND_HOSTS, callWorker } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { HEALTH_RPC_TIMEOUT_MS, platformHealth } from "./health.service";

describe("GET /v1/health", () => {
  it("reports the gateway and all three internal workers, asked over their service bindings", async () => {
    const response = await callWorker("/v1/health", { host: BRAND_HOSTS.pupfanz });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as {
      status: string;
      services: Record<
        string,
        { service: string; status: string; checks: Record<string, { status: string }> }
      >;
    };
    expect(body.status).toBe("ok");
    expect(Object.keys(body.services).sort()).toEqual(["compliance", "gateway", "media", "vault"]);
    expect(body.services.media?.checks).toMatchObject({
      db: { status: "ok" },
      mediaBucket: { status: "ok" },
    });
    expect(body.services.compliance?.checks).toMatchObject({
      complianceDb: { status: "ok" },
      complianceDocs: { status: "ok" },
      auditBucket: { status: "ok" },
    });
    expect(body.services.vault?.service).toBe("vault");
  });

  it("answers on the auth host too", async () => {
    const response = await callWorker("/v1/health", { host: "auth.localhost" });
    expect(response.status).toBe(200);
  });
});

describe("platformHealth", () => {
  const failing: InternalWorker = { health: () => Promise.reject(new Error("connection refused")) };
  const silent: InternalWorker = { health: () => new Promise(() => {}) };

  it("is degraded and names the worker whose RPC failed", async () => {
    const health = await platformHealth({ ...env, MEDIA: failing } as unknown as Env);
    expect(health.status).toBe("degraded");
    expect(health.services.media).toMatchObject({
      status: "down",
      checks: { rpc: { status: "down", detail: "connection refused" } },
    });
    expect(health.services.vault?.status).toBe("ok");
  });

  it("counts a worker that does not answer in time as down instead of hanging", async () => {
    const started = Date.now();
    const health = await platformHealth({ ...env, COMPLIANCE: silent } as unknown as Env);
    expect(health.services.compliance?.status).toBe("down");
    expect(Date.now() - started).toBeLessThan(HEALTH_RPC_TIMEOUT_MS + 1_000);
  });
});
