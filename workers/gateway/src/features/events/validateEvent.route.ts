import { isEventType, parseEvent } from "@fun/events";
import { defineRoute, fieldErrors, validationFailed } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";

const ValidatedSchema = z
  .object({ valid: z.literal(true), type: z.string(), id: z.string() })
  .openapi("ValidatedEvent");

const route = defineRoute({
  method: "post",
  path: "/v1/events/validate",
  tags: ["Events"],
  summary: "Check a CloudEvent against the envelope and its type's data schema",
  description:
    "For partners and internal producers: answers 200 when the event is one the platform would accept, " +
    "and a validation problem naming every wrong field otherwise.",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.record(z.string(), z.unknown()).openapi({ example: {} }) } },
    },
  },
  responses: {
    200: { description: "The event is valid.", content: { "application/json": { schema: ValidatedSchema } } },
  },
});

export function registerValidateEvent(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, (c) => {
    const body = c.req.valid("json");
    const result = parseEvent(body);
    if (!result.success) {
      throw validationFailed("event", fieldErrors(result.error, "json"));
    }
    if (!isEventType(result.data.type)) {
      throw validationFailed("event", [
        {
          location: "body",
          path: "type",
          message: `${result.data.type} is not a type in /v1/events/schemas`,
        },
      ]);
    }
    return c.json({ valid: true as const, type: result.data.type, id: result.data.id }, 200);
  });
}
