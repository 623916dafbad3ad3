import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { creatorCaller, presentList } from "./fanLists.caller";
import { listFanLists } from "./fanLists.repo";
import { FanListCollectionSchema, secured } from "./fanLists.schema";

const route = defineRoute({
  method: "get",
  path: "/v1/fan-lists",
  summary: "The caller's fan lists, by name, with their member counts",
  ...secured,
  middleware: requireAccount,
  responses: {
    200: {
      description: "Every list of the caller.",
      content: { "application/json": { schema: FanListCollectionSchema } },
    },
  },
});

export function registerListFanLists(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { db, creatorId } = await creatorCaller(c);
    const lists = await listFanLists(db, creatorId);
    c.header("Cache-Control", "private, no-store");
    return c.json({ items: lists.map(presentList) }, 200);
  });
}
