import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";
import VaultWorker from "./index";

describe("the vault worker", () => {
  it("reports its database and bucket healthy over RPC", async () => {
    const report = await new VaultWorker(createExecutionContext(), env).health();
    expect(report).toMatchObject({
      service: "vault",
      status: "ok",
      checks: { db: { status: "ok" }, mediaBucket: { status: "ok" } },
    });
  });

  it("reports itself down, naming the check, when its bucket fails", async () => {
    const broken = { ...env, MEDIA_BUCKET: { head: () => Promise.reject(new Error("bucket unreachable")) } };
    const report = await new VaultWorker(createExecutionContext(), broken as unknown as VaultEnv).health();
    expect(report.status).toBe("down");
    expect(report.checks.mediaBucket).toMatchObject({ status: "down", detail: "bucket unreachable" });
    expect(report.checks.db?.status).toBe("ok");
  });

  it("answers an unknown path with a problem+json 404 and a request id", async () => {
    await expectProblem(
      await callWorker("/nothing-here", { host: "media.girlfanz.localhost" }),
      404,
      "not_found",
    );
  });
});
