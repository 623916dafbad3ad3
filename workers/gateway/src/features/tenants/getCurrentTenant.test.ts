import { BRAND_HOSTS, type BrandSlug, callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";

const NAMES: Record<BrandSlug, string> = { girlfanz: "GirlFanz", pupfanz: "PupFanz", daddyfanz: "DaddyFanz" };

interface TenantBody {
  id: string;
  slug: string;
  name: string;
  features: string[];
  theme: { primary: string };
  urls: { web: string; api: string; media: string; auth: string };
}

describe("GET /v1/tenants/current", () => {
  for (const slug of Object.keys(BRAND_HOSTS) as BrandSlug[]) {
    it(`answers for ${slug} on ${slug}.localhost with its own config and local URLs`, async () => {
      const response = await callWorker("/v1/tenants/current", {
        host: BRAND_HOSTS[slug],
        headers: { host: `${slug}.localhost:8787` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-request-id")).toMatch(/^req_/);
      const body = (await response.json()) as TenantBody;
      expect(body.slug).toBe(slug);
      expect(body.name).toBe(NAMES[slug]);
      expect(body.id).toMatch(/^ten_/);
      expect(body.theme.primary).toMatch(/^#[0-9a-f]{6}$/i);
      expect(Array.isArray(body.features)).toBe(true);
      expect(body.urls).toEqual({
        web: `http://${slug}.localhost:8787`,
        api: `http://${slug}.localhost:8787/v1`,
        media: `http://media.${slug}.localhost:8787`,
        auth: "http://auth.localhost:8787",
      });
    });
  }

  it("names the configured local port when the Host header carries none", async () => {
    const response = await callWorker("/v1/tenants/current", { headers: { host: "pupfanz.localhost" } });
    const body = (await response.json()) as TenantBody;
    expect(body.urls.web).toBe("http://pupfanz.localhost:8787");
    expect(body.urls.media).toBe("http://media.pupfanz.localhost:8787");
  });

  it("gives the three brands different ids and themes", async () => {
    const bodies = await Promise.all(
      Object.values(BRAND_HOSTS).map(
        async (host) => (await (await callWorker("/v1/tenants/current", { host })).json()) as TenantBody,
      ),
    );
    expect(new Set(bodies.map((b) => b.id)).size).toBe(3);
    expect(new Set(bodies.map((b) => b.theme.primary)).size).toBe(3);
  });

  it("resolves a production domain and answers with https URLs on the production hosts", async () => {
    const response = await callWorker("/v1/tenants/current", { host: "api.pupfanz.com" });
    const body = (await response.json()) as TenantBody;
    expect(body.slug).toBe("pupfanz");
    expect(body.urls.web).toBe("https://pupfanz.com");
    expect(body.urls.media).toBe("https://media.pupfanz.com");
  });

  it("normalises the Host header's case, port and trailing dot", async () => {
    const response = await callWorker("/v1/tenants/current", {
      headers: { host: "DaddyFanz.LOCALHOST.:9999" },
    });
    const body = (await response.json()) as TenantBody;
    expect(body.slug).toBe("daddyfanz");
  });

  it("takes the tenant from the host only, never from a query, header or forwarded host", async () => {
    const response = await callWorker("/v1/tenants/current?tenant=girlfanz", {
      host: BRAND_HOSTS.pupfanz,
      headers: { "x-forwarded-host": "girlfanz.localhost", "x-tenant": "girlfanz" },
    });
    expect(((await response.json()) as TenantBody).slug).toBe("pupfanz");
  });

  it("refuses an unknown host with a 404 problem naming the host", async () => {
    const problem = await expectProblem(
      await callWorker("/v1/tenants/current", { host: "evilfanz.localhost" }),
      404,
      "unknown_host",
    );
    expect(problem.detail).toContain("evilfanz.localhost");
  });

  it("refuses a look-alike of a brand's domain", async () => {
    await expectProblem(
      await callWorker("/v1/tenants/current", { host: "girlfanz.localhost.evil.com" }),
      404,
      "unknown_host",
    );
    await expectProblem(
      await callWorker("/v1/tenants/current", { host: "xgirlfanz.com" }),
      404,
      "unknown_host",
    );
  });

  it("has no brand on the auth host", async () => {
    await expectProblem(
      await callWorker("/v1/tenants/current", { host: "auth.localhost" }),
      404,
      "not_found",
    );
  });
});
