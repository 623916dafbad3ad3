import { callWorker } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { createGatewayApp } from "../../app";

type Operation = {
  responses: Record<string, { content?: Record<string, unknown> }>;
  requestBody?: { content?: Record<string, unknown> };
};
type Document = {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

const OAUTH_ENDPOINTS = new Set(["/token", "/revoke", "/introspect"]);

async function fetchDocument(): Promise<Document> {
  const response = await callWorker("/openapi.json");
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document with a Problem component", async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    expect(document.info.title).toBe("FUN Core API");
    expect(document.components.schemas).toHaveProperty("Problem");
  });

  it("lists every API route the app serves", async () => {
    const document = await fetchDocument();
    const served = createGatewayApp()
      // Everything but the middleware (ALL) and the two documentation routes themselves.
      .routes.filter((r) => r.method !== "ALL" && !["/openapi.json", "/docs"].includes(r.path))
      // A custom method (`{id}:publish`) is served as one parameter whose pattern ends in `:verb`.
      .map((r) => {
        const path = r.path.replace(/:(\w+)\{[^}]*:(\w+)\}/g, "{$1}:$2").replace(/\/:(\w+)/g, "/{$1}");
        return `${r.method.toLowerCase()} ${path}`;
      });
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(served.length).toBeGreaterThanOrEqual(4);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
  });

  it("documents the error responses of every operation as problem+json", async () => {
    const document = await fetchDocument();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const status of ["404", "405", "500"]) {
          expect(operation.responses[status]?.content, `${where} ${status}`).toHaveProperty(
            "application/problem+json",
          );
        }
        if (operation.requestBody) {
          expect(operation.responses["413"]?.content, `${where} 413`).toHaveProperty(
            "application/problem+json",
          );
          // OAuth endpoints answer bad input in OAuth's own error format (RFC 6749 §5.2), and the
          // auth host's HTML forms with the page again; everything else with a problem.
          const oauth = OAUTH_ENDPOINTS.has(path);
          const form = "application/x-www-form-urlencoded" in (operation.requestBody?.content ?? {});
          const badInput = oauth ? "application/json" : form ? "text/html" : "application/problem+json";
          expect(operation.responses["400"]?.content, `${where} 400`).toHaveProperty(badInput);
          if (!oauth && !form) {
            expect(operation.responses["415"]?.content, `${where} 415`).toHaveProperty(
              "application/problem+json",
            );
          }
        }
      }
    }
  });
});

describe("GET /docs", () => {
  it("is a browsable HTML reference of every operation and problem code", async () => {
    const response = await callWorker("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    const document = await fetchDocument();
    for (const path of Object.keys(document.paths)) expect(page).toContain(path);
    expect(page).toContain('id="problem-validation_failed"');
    expect(page).toContain('href="/openapi.json"');
    expect(page).not.toContain("<script");
    // Markdown code spans in descriptions are rendered, not shown as backticks.
    expect(page).toContain("<code>pupfanz.localhost:8787</code>");
    expect(page).not.toContain("`");
  });
});
