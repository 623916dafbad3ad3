import { problemCatalogue } from "@fun/http";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Document = {
  info: { title: string; description?: string; version: string };
  paths?: Record<string, Record<string, Operation | undefined> | undefined>;
};
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** OpenAPI descriptions are CommonMark; the page renders their `code spans` and escapes the rest. */
function prose(text: string | undefined) {
  return (text ?? "")
    .split("`")
    .map((part, index) => (index % 2 ? html`<code>${part}</code>` : html`${part}`));
}

function operationBlock(method: string, path: string, operation: Operation) {
  const id = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, "-");
  const body = operation.requestBody?.content?.["application/json"]?.schema;
  return html`<section class="op" id="${id}">
    <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${path}</code></h3>
    <p>${prose(operation.summary)}</p>
    ${operation.description ? html`<p class="desc">${prose(operation.description)}</p>` : ""}
    ${
      operation.parameters?.length
        ? html`<h4>Parameters</h4><ul>${operation.parameters.map(
            (p) =>
              html`<li><code>${p.name}</code> (${p.in}${p.required ? ", required" : ""}) ${p.description ? prose(p.description) : ""}</li>`,
          )}</ul>`
        : ""
    }
    ${body ? html`<h4>Request body</h4><pre>${JSON.stringify(body, null, 2)}</pre>` : ""}
    <h4>Responses</h4>
    <ul>${Object.entries(operation.responses ?? {}).map(
      ([status, response]) => html`<li><code>${status}</code> ${response.description ?? ""}</li>`,
    )}</ul>
  </section>`;
}

/**
 * The API reference as one server-rendered page built from the OpenAPI document: it needs no script
 * and no CDN, so it works offline under `wrangler dev` as well as in production.
 */
export function renderDocsPage(document: Document): HtmlEscapedString | Promise<HtmlEscapedString> {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item?.[method];
      return operation ? [{ method, path, operation }] : [];
    }),
  );
  const tags = [...new Set(operations.map((o) => o.operation.tags?.[0] ?? "Other"))];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${document.info.title} reference</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><h1>${document.info.title} <small>v${document.info.version}</small></h1>
<p>${prose(document.info.description)}</p>
<p><a href="/openapi.json">OpenAPI 3.1 document</a> · <a href="/v1/events/schemas">Event JSON Schemas</a></p></header>
<nav><ul>${tags.map((tag) => html`<li><a href="#tag-${tag}">${tag}</a></li>`)}<li><a href="#problems">Problems</a></li></ul></nav>
<main>
${tags.map(
  (tag) => html`<h2 id="tag-${tag}">${tag}</h2>
  ${operations.filter((o) => (o.operation.tags?.[0] ?? "Other") === tag).map((o) => operationBlock(o.method, o.path, o.operation))}`,
)}
<h2 id="problems">Problems</h2>
<p>Every error is <code>application/problem+json</code> (RFC 9457) with a stable <code>code</code> and the <code>requestId</code>.</p>
<table><thead><tr><th>code</th><th>status</th><th>title</th></tr></thead><tbody>
${problemCatalogue().map(
  (p) =>
    html`<tr id="problem-${p.code}"><td><code>${p.code}</code></td><td>${p.status}</td><td>${p.title}</td></tr>`,
)}
</tbody></table>
</main>
</body>
</html>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;display:grid;grid-template-columns:14rem 1fr}
header{grid-column:1/3;padding:1rem 2rem;background:#1d1d1f;color:#fff}header a{color:#9cf}
nav{padding:1rem 2rem;border-right:1px solid #ddd}nav ul{list-style:none;padding:0}
main{padding:1rem 2rem;max-width:60rem}.op{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4rem;padding:0 .4rem;border-radius:4px;color:#fff;font-size:.8rem;text-align:center}
.get{background:#2e7d32}.post{background:#1565c0}.put,.patch{background:#ef6c00}.delete{background:#c62828}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:.8rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .6rem}
`;
