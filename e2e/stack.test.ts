/**
 * End-to-end: the real `wrangler dev` stack (gateway + media + vault + compliance, migrated and
 * seeded into a fresh temp dir) driven over HTTP from Node, the way a browser on
 * `<brand>.localhost:<port>` would reach it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type HttpResponse, httpGet, type Stack, startStack } from "../scripts/stack";

const BRANDS = [
  { slug: "girlfanz", name: "GirlFanz" },
  { slug: "pupfanz", name: "PupFanz" },
  { slug: "daddyfanz", name: "DaddyFanz" },
] as const;

let stack: Stack | undefined;
let persistTo: string | undefined;
let port = 0;
const wranglerOutput: string[] = [];

/** GET with the Host a browser would send, port included (the API builds its URLs from it). */
function get(host: string, path: string): Promise<HttpResponse> {
  return httpGet(port, `${host}:${port}`, path);
}

function header(res: HttpResponse, name: string): string {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
}

function json<T>(res: HttpResponse): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new Error(`not JSON (${res.status} ${header(res, "content-type")}): ${res.body.slice(0, 300)}`);
  }
}

beforeAll(async () => {
  persistTo = await mkdtemp(join(tmpdir(), "fun-e2e-"));
  port = await freePort();
  stack = await startStack({
    port,
    persistTo,
    demo: true,
    log: (line) => {
      wranglerOutput.push(line);
      if (wranglerOutput.length > 200) wranglerOutput.shift();
    },
  });
});

afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    if (persistTo) await rm(persistTo, { recursive: true, force: true });
  }
});

describe("the local stack under wrangler dev", () => {
  for (const brand of BRANDS) {
    const host = `${brand.slug}.localhost`;

    it(`${host}: /v1/health is 200 with all four services ok`, async () => {
      const res = await get(host, "/v1/health");
      expect(res.status, res.body).toBe(200);
      expect(header(res, "x-request-id")).not.toBe("");
      const body = json<{ status: string; services: Record<string, unknown> }>(res);
      expect(body.status).toBe("ok");
      expect(Object.keys(body.services).sort()).toEqual(["compliance", "gateway", "media", "vault"]);
      for (const [service, report] of Object.entries(body.services)) {
        const status = typeof report === "string" ? report : (report as { status?: unknown }).status;
        expect(status, `${service}: ${JSON.stringify(report)}`).toBe("ok");
      }
    });

    it(`${host}: /v1/tenants/current is ${brand.name} with URLs on its own host and this port`, async () => {
      const res = await get(host, "/v1/tenants/current");
      expect(res.status, res.body).toBe(200);
      expect(header(res, "content-type")).toContain("application/json");
      expect(header(res, "x-request-id")).not.toBe("");
      const body = json<{
        id: string;
        slug: string;
        name: string;
        theme: unknown;
        features: unknown;
        jurisdiction: unknown;
        urls: Record<string, string>;
      }>(res);
      expect(body.slug).toBe(brand.slug);
      expect(body.name).toBe(brand.name);
      expect(body.id).toEqual(expect.any(String));
      expect(body).toHaveProperty("theme");
      expect(body).toHaveProperty("features");
      expect(body).toHaveProperty("jurisdiction");
      expect(body.urls).toEqual({
        web: `http://${host}:${port}`,
        api: `http://${host}:${port}/v1`,
        media: `http://media.${host}:${port}`,
        auth: `http://auth.localhost:${port}`,
      });
    });

    it(`media.${host} is handed to the vault worker, not refused as an unknown host`, async () => {
      const res = await get(`media.${host}`, "/e2e-probe");
      // The vault answers a path it does not serve with its own problem, never `unknown_host`, under
      // the request id the gateway minted and forwarded.
      expect(res.status, res.body).toBe(404);
      expect(header(res, "content-type")).toContain("application/problem+json");
      const problem = json<{ code: string; requestId: string }>(res);
      expect(problem.code).toBe("not_found");
      expect(problem.requestId).toBe(header(res, "x-request-id"));
      // The brand API's routes are not served on the media host.
      const api = await get(`media.${host}`, "/v1/tenants/current");
      expect(api.status).toBe(404);
      expect(json<{ code: string }>(api).code).toBe("not_found");
    });
  }

  it("the three brands are different tenants", async () => {
    const ids = await Promise.all(
      BRANDS.map(
        async (b) => json<{ id: string }>(await get(`${b.slug}.localhost`, "/v1/tenants/current")).id,
      ),
    );
    expect(new Set(ids).size).toBe(3);
  });

  it("an unknown host gets 404 problem+json unknown_host whose requestId is the X-Request-Id", async () => {
    const res = await get("evilfanz.localhost", "/v1/tenants/current");
    expect(res.status).toBe(404);
    expect(header(res, "content-type")).toContain("application/problem+json");
    const problem = json<{ code: string; status: number; requestId: string }>(res);
    expect(problem.code).toBe("unknown_host");
    expect(problem.status).toBe(404);
    expect(problem.requestId).toEqual(expect.any(String));
    expect(problem.requestId.length).toBeGreaterThan(0);
    expect(problem.requestId).toBe(header(res, "x-request-id"));
  });

  it("/openapi.json is a valid OpenAPI 3.1 document", async () => {
    const res = await get("girlfanz.localhost", "/openapi.json");
    expect(res.status).toBe(200);
    expect(header(res, "content-type")).toContain("json");
    const document = json<{ openapi: string; paths: Record<string, unknown> }>(res);
    expect(document.openapi).toMatch(/^3\.1/);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/v1/health", "/v1/tenants/current"]),
    );
    const result = await validate(
      structuredClone(document) as never,
      { resolve: { external: false } } as never,
    );
    expect(result.valid, JSON.stringify(result.valid ? [] : result.errors, null, 2)).toBe(true);
  });

  it("/docs is an HTML page that documents /v1/tenants/current", async () => {
    const res = await get("pupfanz.localhost", "/docs");
    expect(res.status).toBe(200);
    expect(header(res, "content-type")).toContain("text/html");
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toContain("/v1/tenants/current");
  });

  it("every answer carries an X-Request-Id, and each one is different", async () => {
    const answers = await Promise.all([
      get("girlfanz.localhost", "/v1/health"),
      get("daddyfanz.localhost", "/v1/no-such-route"),
      get("unknown.example", "/"),
    ]);
    const ids = answers.map((res) => header(res, "x-request-id"));
    for (const id of ids) expect(id).not.toBe("");
    expect(new Set(ids).size).toBe(ids.length);
  });
});
