import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createEvent } from "@fun/events";
import { BRAND_HOSTS, callWorker, expectProblem, gatewayRequest } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { createGatewayApp } from "./app";

const validEvent = () =>
  createEvent("fun.content.published", { contentId: "cnt_1", creatorId: "prf_1", tenantId: "girlfanz" });

describe("errors are RFC 9457 problem+json with a stable code and the request id", () => {
  it("malformed JSON is a 400 malformed_json", async () => {
    const response = await callWorker("/v1/events/validate", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"specversion": "1.0",',
    });
    await expectProblem(response, 400, "malformed_json");
  });

  it("a validation failure is a 400 that names every wrong field", async () => {
    const event = { ...validEvent(), specversion: "0.3", data: { contentId: 7, tenantId: "girlfanz" } };
    const problem = await expectProblem(
      await callWorker("/v1/events/validate", { method: "POST", json: event }),
      400,
      "validation_failed",
    );
    const paths = problem.errors?.map((e) => `${e.location}:${e.path}`) ?? [];
    expect(paths).toContain("body:specversion");
    expect(problem.detail).toContain("specversion");
  });

  it("an unknown route is a 404 not_found naming the path", async () => {
    const problem = await expectProblem(await callWorker("/v1/nope"), 404, "not_found");
    expect(problem.detail).toContain("/v1/nope");
    expect(problem.instance).toBe("/v1/nope");
  });

  it("a wrong method is a 405 with an Allow header", async () => {
    const response = await callWorker("/v1/tenants/current", { method: "DELETE" });
    const problem = await expectProblem(response, 405, "method_not_allowed");
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(problem.detail).toContain("DELETE");
  });

  it("a body that is not JSON is a 415", async () => {
    const response = await callWorker("/v1/events/validate", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    await expectProblem(response, 415, "unsupported_media_type");
  });

  it("a body over the limit is a 413, read no further than the limit", async () => {
    const response = await callWorker("/v1/events/validate", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(1024 * 1024 + 10) }),
    });
    await expectProblem(response, 413, "payload_too_large");
  });

  it("an unhandled error is a 500 that leaks nothing but the request id", async () => {
    const app = createGatewayApp({
      extraRoutes: (a) =>
        a.get("/v1/test/explode", () => {
          throw new Error("D1_ERROR: secret connection string postgres://admin:hunter2@db");
        }),
    });
    const ctx = createExecutionContext();
    const response = await app.fetch(gatewayRequest("/v1/test/explode"), env, ctx);
    await waitOnExecutionContext(ctx);
    const text = await response.clone().text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("D1_ERROR");
    const problem = await expectProblem(response, 500, "internal_error");
    expect(problem.detail).toContain(problem.requestId);
  });

  it("every response carries a request id, success or not, and ids differ", async () => {
    const ok = await callWorker("/v1/tenants/current", { host: BRAND_HOSTS.daddyfanz });
    const notFound = await callWorker("/v1/missing", { host: BRAND_HOSTS.daddyfanz });
    const unknownHost = await callWorker("/v1/tenants/current", { host: "nobody.localhost" });
    const ids = [ok, notFound, unknownHost].map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^req_[0-9A-Z]{26}$/);
    expect(new Set(ids).size).toBe(3);
  });
});
