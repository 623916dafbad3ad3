import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { requireHashListManager } from "./hashlists.access";
import { HashListParams, HashListSchema, presentList, secured } from "./hashlists.schema";

const list = defineRoute({
  method: "get",
  path: "/v1/hashlists",
  summary: "Lists the known-bad hash lists, newest first",
  description: "Names, kinds, sources and sizes; never the hashes themselves. Trust & safety staff only.",
  ...secured,
  middleware: requireAccount,
  responses: {
    200: {
      description: "The lists.",
      content: { "application/json": { schema: z.object({ items: z.array(HashListSchema) }) } },
    },
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/hashlists/{id}",
  summary: "One known-bad hash list",
  description: "Trust & safety staff only.",
  ...secured,
  middleware: requireAccount,
  request: { params: HashListParams },
  responses: {
    200: { description: "The list.", content: { "application/json": { schema: HashListSchema } } },
  },
});

export function registerReadHashLists(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(list, async (c) => {
    await requireHashListManager(c);
    c.header("Cache-Control", "private, no-store");
    return c.json({ items: (await c.env.MEDIA.listKnownBadLists()).map(presentList) }, 200);
  });
  app.openapi(get, async (c) => {
    await requireHashListManager(c);
    const row = await c.env.MEDIA.getKnownBadList(c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "No such hash list.");
    c.header("Cache-Control", "private, no-store");
    return c.json(presentList(row), 200);
  });
}
