import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { creatorCaller, listNotFound } from "./fanLists.caller";
import { deleteFanList } from "./fanLists.repo";
import { FanListParams, secured } from "./fanLists.schema";

const route = defineRoute({
  method: "delete",
  path: "/v1/fan-lists/{id}",
  summary: "Deletes one of the caller's fan lists and its members (the fans themselves are untouched)",
  ...secured,
  middleware: requireAccount,
  request: { params: FanListParams },
  responses: { 204: { description: "Deleted." } },
});

export function registerDeleteFanList(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { db, creatorId } = await creatorCaller(c);
    if (!(await deleteFanList(db, creatorId, c.req.valid("param").id))) throw listNotFound();
    return c.body(null, 204);
  });
}
