import { defineRoute, problemDoc } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";

import { IngestInitSchema, StartedUploadsSchema } from "./uploads.schema";
import { startUploads } from "./uploads.service";

// A collection-level AIP-136 custom method: with no id, Hono matches this literal path as it is.
const route = defineRoute({
  method: "post",
  path: "/v1/media/ingest:init",
  tags: ["Media"],
  summary: "Starts direct uploads: signed URLs to PUT each file to, multipart for large files",
  description:
    "Every file is checked against this brand's allowed types and size limits first; one refused file refuses the request, naming the field, and nothing is recorded. Each file becomes an asset in state `uploading`, owned by the caller (and attached to `contentId`, which must be the caller's own post). Files up to 64 MiB get one PUT URL; larger ones (or any file given a `partSize`) get one URL per part. Send the bytes, then call `ingest:complete`. URLs last an hour (GET /v1/media/{assetId}/upload gives fresh ones); an upload not completed within 24 hours is cleaned up.",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: { body: { required: true, content: { "application/json": { schema: IngestInitSchema } } } },
  responses: {
    201: {
      description: "The assets and where to upload each.",
      content: { "application/json": { schema: StartedUploadsSchema } },
    },
    404: problemDoc("No such post, or it is not visible to the caller."),
  },
});

export function registerInitIngest(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { contentId, files } = c.req.valid("json");
    return c.json(await startUploads(c, contentId ?? null, files), 201);
  });
}
