import { defineRoute, problemDoc } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { creatorCaller, fanListProblem, presentList } from "./fanLists.caller";
import { FanListNameSchema, FanListParams, FanListSchema, secured } from "./fanLists.schema";
import { renameList } from "./fanLists.service";

const route = defineRoute({
  method: "patch",
  path: "/v1/fan-lists/{id}",
  summary: "Renames one of the caller's fan lists",
  ...secured,
  middleware: requireAccount,
  request: {
    params: FanListParams,
    body: { required: true, content: { "application/json": { schema: FanListNameSchema } } },
  },
  responses: {
    200: { description: "The list as renamed.", content: { "application/json": { schema: FanListSchema } } },
    409: problemDoc("Another list of the creator has that name, without regard to case."),
  },
});

export function registerRenameFanList(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { db, creatorId } = await creatorCaller(c);
    const { name } = c.req.valid("json");
    const renamed = await renameList(db, creatorId, c.req.valid("param").id, name);
    if (!renamed.ok) throw fanListProblem(renamed.error, name);
    return c.json(presentList(renamed.value), 200);
  });
}
