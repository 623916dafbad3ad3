import { defineRoute, problemDoc } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";

import { IngestCompleteSchema, StoredAssetSchema } from "./uploads.schema";
import { ownUpload, uploadProblem } from "./uploads.service";

const route = defineRoute({
  method: "post",
  path: "/v1/media/ingest:complete",
  tags: ["Media"],
  summary:
    "Finishes an upload: checks size, SHA-256 and real type, stores the asset and queues it for fingerprinting",
  description:
    "Assembles a multipart upload, then checks the stored bytes: their size against the declared size, their type from magic bytes against the declared type and the brand's allowed types, and their SHA-256 (computed streaming) against the declared one. A mismatch answers 422 naming it; the asset is then `failed` with that reason and its bytes are deleted. Bytes that have not all arrived answer 409 and the upload stays open. Completing a stored asset again answers the same. Only the asset's uploader may complete it; anyone else gets 404.",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: { body: { required: true, content: { "application/json": { schema: IngestCompleteSchema } } } },
  responses: {
    200: { description: "Stored.", content: { "application/json": { schema: StoredAssetSchema } } },
    409: problemDoc("Not all bytes have arrived yet (the upload stays open), or the upload has ended."),
    422: problemDoc("The file is not what was declared or what the brand accepts; the asset is now failed."),
  },
});

export function registerCompleteIngest(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { assetId, parts } = c.req.valid("json");
    const owned = await ownUpload(c, assetId);
    const completed = await c.env.MEDIA.completeUpload({ ...owned, parts: parts ?? null });
    if (!completed.ok) throw uploadProblem(completed.error);
    c.header("Cache-Control", "private, no-store");
    return c.json(completed.value, 200);
  });
}
