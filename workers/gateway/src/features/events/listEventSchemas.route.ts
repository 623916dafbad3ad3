import { eventJsonSchemas } from "@fun/events";
import { defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";

const EventSchemasSchema = z
  .object({
    specversion: z.literal("1.0"),
    types: z.record(
      z.string(),
      z.object({
        source: z.string(),
        description: z.string(),
        schema: z
          .record(z.string(), z.unknown())
          .openapi({ description: "JSON Schema (draft 2020-12) of the envelope" }),
      }),
    ),
  })
  .openapi("EventSchemas");

const route = defineRoute({
  method: "get",
  path: "/v1/events/schemas",
  tags: ["Events"],
  summary: "JSON Schemas of every CloudEvents type the platform emits",
  responses: {
    200: {
      description: "One JSON Schema per event type.",
      content: { "application/json": { schema: EventSchemasSchema } },
    },
  },
});

// The catalogue is fixed at build time, so the document is built once per isolate.
let schemas: ReturnType<typeof eventJsonSchemas> | undefined;

export function registerListEventSchemas(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, (c) => {
    schemas ??= eventJsonSchemas();
    c.header("Cache-Control", "public, max-age=300");
    return c.json({ specversion: "1.0" as const, types: schemas }, 200);
  });
}
