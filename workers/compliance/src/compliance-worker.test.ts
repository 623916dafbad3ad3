import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import ComplianceWorker from "./index";

describe("the compliance worker", () => {
  it("reports its database and both buckets healthy over RPC", async () => {
    const report = await new ComplianceWorker(createExecutionContext(), env).health();
    expect(report).toMatchObject({
      service: "compliance",
      status: "ok",
      checks: {
        complianceDb: { status: "ok" },
        complianceDocs: { status: "ok" },
        auditBucket: { status: "ok" },
      },
    });
  });

  it("serves nothing over HTTP: it is reached only through its service binding", async () => {
    const response = await (exports as unknown as { default: Fetcher }).default.fetch(
      "http://compliance.internal/v1/anything",
    );
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("");
  });
});
