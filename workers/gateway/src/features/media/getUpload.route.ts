import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { AssetParams } from "./screening.schema";
import { uploadOrigin } from "./upload-origin";
import { UploadStatusSchema } from "./uploads.schema";
import { ownUpload, uploadProblem } from "./uploads.service";

const route = defineRoute({
  method: "get",
  path: "/v1/media/{assetId}/upload",
  tags: ["Media"],
  summary: "Where an upload stands, to resume it: parts received and fresh URLs for the rest",
  description:
    "For the asset's uploader only (the URLs let whoever holds them write the file); anyone else gets 404. While `uploading`, `upload` holds fresh URLs for what has not arrived: the file, or only the missing parts. After the upload ended it tells how (`stored`, `failed` with the reason, `aborted`, `expired`).",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: { params: AssetParams },
  responses: {
    200: {
      description: "The upload's state.",
      content: { "application/json": { schema: UploadStatusSchema } },
    },
  },
});

export function registerGetUpload(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const owned = await ownUpload(c, c.req.valid("param").assetId);
    const status = await c.env.MEDIA.getUpload({
      ...owned,
      uploadOrigin: uploadOrigin(c),
      clientOrigin: c.req.header("origin") ?? null,
    });
    if (!status.ok) throw uploadProblem(status.error);
    c.header("Cache-Control", "private, no-store");
    return c.json(status.value, 200);
  });
}
