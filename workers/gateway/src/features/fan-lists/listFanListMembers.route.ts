import { decodeCursor, defineRoute, encodeCursor } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { creatorCaller, listNotFound } from "./fanLists.caller";
import { fanListMemberPage, findFanList } from "./fanLists.repo";
import { FanListMemberPageSchema, FanListMembersQuery, FanListParams, iso, secured } from "./fanLists.schema";

const route = defineRoute({
  method: "get",
  path: "/v1/fan-lists/{id}/members",
  summary: "The members of one of the caller's fan lists, last added first, by cursor",
  description:
    "Every member is shown, whatever brand the caller is on: a list is the creator's own data, not a public view of the fans.",
  ...secured,
  middleware: requireAccount,
  request: { params: FanListParams, query: FanListMembersQuery },
  responses: {
    200: {
      description: "A page and the cursor of the next one (null at the end).",
      content: { "application/json": { schema: FanListMemberPageSchema } },
    },
  },
});

const CURSOR_PROFILE_ID = /^prf_[0-9A-Z]{26}$/;

export function registerListFanListMembers(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { db, creatorId } = await creatorCaller(c);
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const position = decodeCursor(query.cursor, "the member list", CURSOR_PROFILE_ID);
    const cursor = position && { addedAt: position.key, profileId: position.id };
    if (!(await findFanList(db, creatorId, id))) throw listNotFound();
    const rows = await fanListMemberPage(db, id, { ...(cursor ? { cursor } : {}), limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        items: page.map((row) => ({ ...row, addedAt: iso(row.addedAt) })),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor("the member list", { key: last.addedAt, id: last.profileId })
            : null,
      },
      200,
    );
  });
}
