import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { creatorCaller, listNotFound } from "./fanLists.caller";
import { removeFanListMember } from "./fanLists.repo";
import { FanListMemberParams, secured } from "./fanLists.schema";

const route = defineRoute({
  method: "delete",
  path: "/v1/fan-lists/{id}/members/{profileId}",
  summary: "Takes a fan off one of the caller's fan lists (when not on it, a no-op)",
  ...secured,
  middleware: requireAccount,
  request: { params: FanListMemberParams },
  responses: { 204: { description: "Not on the list (any more)." } },
});

export function registerRemoveFanListMember(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { db, creatorId } = await creatorCaller(c);
    const { id, profileId } = c.req.valid("param");
    if (!(await removeFanListMember(db, creatorId, id, profileId))) throw listNotFound();
    return c.body(null, 204);
  });
}
