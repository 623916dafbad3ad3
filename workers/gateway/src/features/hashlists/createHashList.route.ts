import { defineRoute, problemDoc } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { importProblem, requireHashListManager } from "./hashlists.access";
import { CreateHashListSchema, ImportReportSchema, presentList, secured } from "./hashlists.schema";

const route = defineRoute({
  method: "post",
  path: "/v1/hashlists",
  summary: "Imports a known-bad hash list (e.g. an industry CSAM list)",
  description:
    "Creates the list with its first entries. From then on an upload matching an entry is blocked at once (never published, never served), with a moderation case and a pending mandatory report; stored assets the entries match are blocked by the import itself. Trust & safety staff only.",
  ...secured,
  middleware: requireAccount,
  request: { body: { required: true, content: { "application/json": { schema: CreateHashListSchema } } } },
  responses: {
    201: { description: "Imported.", content: { "application/json": { schema: ImportReportSchema } } },
    409: problemDoc("A list of that name exists."),
  },
});

export function registerCreateHashList(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { accountId } = await requireHashListManager(c);
    const body = c.req.valid("json");
    const imported = await c.env.MEDIA.createKnownBadList({ ...body, accountId });
    if (!imported.ok) throw importProblem(imported.error);
    c.header("Location", `/v1/hashlists/${imported.value.list.id}`);
    return c.json({ ...imported.value, list: presentList(imported.value.list) }, 201);
  });
}
