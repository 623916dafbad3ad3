import { defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { platformHealth } from "./health.service";

const CheckSchema = z.object({
  status: z.enum(["ok", "down"]),
  latencyMs: z.number(),
  detail: z.string().optional(),
});

const ServiceHealthSchema = z.object({
  service: z.string(),
  status: z.enum(["ok", "down"]),
  checks: z.record(z.string(), CheckSchema),
});

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    services: z.record(z.string(), ServiceHealthSchema),
  })
  .openapi("Health");

const route = defineRoute({
  method: "get",
  path: "/v1/health",
  tags: ["Platform"],
  summary: "Health of the gateway and of every internal worker, asked over RPC",
  responses: {
    200: { description: "Every service is up.", content: { "application/json": { schema: HealthSchema } } },
    503: {
      description: "At least one service is down.",
      content: { "application/json": { schema: HealthSchema } },
    },
  },
});

export function registerGetHealth(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const health = await platformHealth(c.env);
    c.header("Cache-Control", "no-store");
    return health.status === "ok" ? c.json(health, 200) : c.json(health, 503);
  });
}
