import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { creatorCaller, listNotFound, presentList } from "./fanLists.caller";
import { findFanList } from "./fanLists.repo";
import { FanListParams, FanListSchema, secured } from "./fanLists.schema";

const route = defineRoute({
  method: "get",
  path: "/v1/fan-lists/{id}",
  summary: "One of the caller's fan lists",
  ...secured,
  middleware: requireAccount,
  request: { params: FanListParams },
  responses: {
    200: { description: "The list.", content: { "application/json": { schema: FanListSchema } } },
  },
});

export function registerGetFanList(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { db, creatorId } = await creatorCaller(c);
    const list = await findFanList(db, creatorId, c.req.valid("param").id);
    if (!list) throw listNotFound();
    c.header("Cache-Control", "private, no-store");
    return c.json(presentList(list), 200);
  });
}
