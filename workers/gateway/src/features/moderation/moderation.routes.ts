import { ApiError, decodeCursor, defineRoute, encodeCursor } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { reviewerScope } from "./moderation.access";
import { casesPage, findCase, reportsFor } from "./moderation.repo";
import { CASE_ID, ModerationCaseSchema, presentCase } from "./moderation.schema";

const secured = { tags: ["Moderation"], security: [{ bearerAuth: [] }], middleware: requireAccount };

const list = defineRoute({
  method: "get",
  path: "/v1/moderation/cases",
  summary: "Moderation cases to review, newest first, by cursor",
  description:
    "This brand's cases (flagged re-uploads of someone else's media) for its staff; trust & safety also see the platform-wide ones (known-bad hash matches, whose asset is already blocked). Everyone else gets 403.",
  ...secured,
  request: {
    query: z.object({
      state: z.enum(["open", "resolved", "dismissed"]).optional(),
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: {
      description: "A page and the next page's cursor.",
      content: {
        "application/json": {
          schema: z.object({ items: z.array(ModerationCaseSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/moderation/{id}",
  summary: "One moderation case, with the mandatory reports it owes",
  description: "For the reviewers who would see it in the list; anyone else gets 403 or 404.",
  ...secured,
  request: { params: z.object({ id: z.string().regex(CASE_ID, "a moderation case id (mod_…)") }) },
  responses: {
    200: { description: "The case.", content: { "application/json": { schema: ModerationCaseSchema } } },
  },
});

export function registerModeration(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(list, async (c) => {
    const scope = await reviewerScope(c);
    const query = c.req.valid("query");
    const position = decodeCursor(query.cursor, "moderation-cases", CASE_ID);
    const db = c.get("services").db;
    const rows = await casesPage(db, scope, {
      state: query.state,
      cursor: position && { at: position.key, id: position.id },
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const reports = await reportsFor(
      db,
      page.map((row) => row.id),
    );
    const last = page.at(-1);
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        items: page.map((row) => presentCase(row, reports)),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor("moderation-cases", { key: last.createdAt, id: last.id })
            : null,
      },
      200,
    );
  });
  app.openapi(get, async (c) => {
    const scope = await reviewerScope(c);
    const db = c.get("services").db;
    const row = await findCase(db, scope, c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "No such case among those you review.");
    c.header("Cache-Control", "private, no-store");
    return c.json(presentCase(row, await reportsFor(db, [row.id])), 200);
  });
}
