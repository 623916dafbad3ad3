import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { renderDocsPage } from "./docs-page";
import { openApiDocument } from "./openapi";

/** `/openapi.json` and the `/docs` reference page; register after every API route. */
export function registerDocs(app: OpenAPIHono<GatewayEnv>) {
  const document = openApiDocument(app);
  app.get("/openapi.json", (c) => c.json(document()));
  app.get("/docs", (c) => c.html(renderDocsPage(document() as Parameters<typeof renderDocsPage>[0])));
}
