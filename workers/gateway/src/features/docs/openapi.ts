import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";

export const OPENAPI_CONFIG: Parameters<OpenAPIHono<GatewayEnv>["getOpenAPI31Document"]>[0] = {
  openapi: "3.1.0",
  info: {
    title: "FUN Core API",
    version: "1.0.0",
    description:
      "One API for girlfanz, pupfanz and daddyfanz. The brand is chosen by the host you call " +
      "(`pupfanz.localhost:8787` locally); errors are RFC 9457 problem+json with a stable `code`.",
  },
  servers: [
    { url: "http://girlfanz.localhost:8787", description: "girlfanz, local" },
    { url: "http://pupfanz.localhost:8787", description: "pupfanz, local" },
    { url: "http://daddyfanz.localhost:8787", description: "daddyfanz, local" },
  ],
  tags: [
    { name: "Platform", description: "Health and documentation." },
    { name: "Tenants", description: "The brand behind the host." },
    { name: "Events", description: "CloudEvents contracts." },
    { name: "Identity", description: "Signing keys and the signed-in account." },
  ],
};

/** The OpenAPI 3.1 document of an app, built once per isolate (routes do not change at run time). */
export function openApiDocument(app: OpenAPIHono<GatewayEnv>) {
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  return () => {
    document ??= app.getOpenAPI31Document(OPENAPI_CONFIG);
    return document;
  };
}
