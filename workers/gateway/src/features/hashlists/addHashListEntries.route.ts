import { ApiError, defineRoute, problemDoc } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { importProblem, requireHashListManager } from "./hashlists.access";
import { ENTRIES_FORMAT, HashListParams, ImportReportSchema, presentList, secured } from "./hashlists.schema";

const TEXT_TYPES = ["text/csv", "text/plain"] as const;

const route = defineRoute({
  method: "post",
  path: "/v1/hashlists/{id}/entries",
  summary: "Adds entries to a known-bad hash list, from the list file as published",
  description: `Send the file as the body (text/csv or text/plain). ${ENTRIES_FORMAT} Entries the list already holds are skipped; stored assets the new ones match are blocked. Trust & safety staff only.`,
  ...secured,
  middleware: requireAccount,
  request: {
    params: HashListParams,
    body: {
      required: true,
      content: Object.fromEntries(TEXT_TYPES.map((type) => [type, { schema: z.string() }])),
    },
  },
  responses: {
    200: { description: "Imported.", content: { "application/json": { schema: ImportReportSchema } } },
    415: problemDoc("The body is not text/csv or text/plain."),
  },
});

export function registerAddHashListEntries(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    await requireHashListManager(c);
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (!TEXT_TYPES.some((allowed) => allowed === type))
      throw new ApiError("unsupported_media_type", "Send the list file as text/csv or text/plain.");
    const imported = await c.env.MEDIA.addKnownBadEntries(c.req.valid("param").id, await c.req.text());
    if (!imported.ok) throw importProblem(imported.error);
    return c.json({ ...imported.value, list: presentList(imported.value.list) }, 200);
  });
}
