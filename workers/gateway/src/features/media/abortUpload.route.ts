import { defineRoute, problemDoc } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { AssetParams } from "./screening.schema";
import { ownUpload, uploadProblem } from "./uploads.service";

const route = defineRoute({
  method: "delete",
  path: "/v1/media/{assetId}/upload",
  tags: ["Media"],
  summary: "Aborts an upload in progress: its parts and bytes are dropped, the asset is marked aborted",
  description:
    "For the asset's uploader only; anyone else gets 404. Aborting an aborted upload again is not an error. A stored, failed or expired asset has no upload in progress (409).",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: { params: AssetParams },
  responses: {
    204: { description: "Aborted." },
    409: problemDoc("The upload is not in progress."),
  },
});

export function registerAbortUpload(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const owned = await ownUpload(c, c.req.valid("param").assetId);
    const aborted = await c.env.MEDIA.abortUpload(owned);
    if (!aborted.ok) throw uploadProblem(aborted.error);
    return c.body(null, 204);
  });
}
