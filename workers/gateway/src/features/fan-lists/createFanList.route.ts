import { defineRoute, problemDoc } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { creatorCaller, fanListProblem, presentList } from "./fanLists.caller";
import { FanListNameSchema, FanListSchema, secured } from "./fanLists.schema";
import { createList } from "./fanLists.service";

const route = defineRoute({
  method: "post",
  path: "/v1/fan-lists",
  summary: "Creates a fan list: a creator's named segment of their followers",
  description:
    "Lists belong to the creator's profile on every brand. Only creators may keep them (403 otherwise).",
  ...secured,
  middleware: requireAccount,
  request: { body: { required: true, content: { "application/json": { schema: FanListNameSchema } } } },
  responses: {
    201: { description: "Created, empty.", content: { "application/json": { schema: FanListSchema } } },
    409: problemDoc("The creator already has a list of that name, without regard to case."),
  },
});

export function registerCreateFanList(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { db, creatorId } = await creatorCaller(c);
    const { name } = c.req.valid("json");
    const created = await createList(db, creatorId, name);
    if (!created.ok) throw fanListProblem(created.error, name);
    c.header("Location", `/v1/fan-lists/${created.value.id}`);
    return c.json(presentList(created.value), 201);
  });
}
