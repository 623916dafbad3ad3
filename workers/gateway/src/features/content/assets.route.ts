import { defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { ContentAssetsSchema, StartedUploadsSchema } from "../media/uploads.schema";
import { startUploads } from "../media/uploads.service";

const route = defineRoute({
  method: "post",
  path: "/v1/content/{id}/assets",
  tags: ["Content"],
  summary: "Starts uploads to a post: signed URLs for each file (ingest:init for this post)",
  description:
    "The same as `POST /v1/media/ingest:init` with this post as `contentId`. Only the post's creator may upload to it: the brand's staff get 403, and anyone who cannot see the post gets 404.",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: {
    params: z.object({ id: z.string().regex(/^cnt_[0-9A-Z]{26}$/, "a content id (cnt_…)") }),
    body: { required: true, content: { "application/json": { schema: ContentAssetsSchema } } },
  },
  responses: {
    201: {
      description: "The assets and where to upload each.",
      content: { "application/json": { schema: StartedUploadsSchema } },
    },
  },
});

export function registerContentAssets(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { files } = c.req.valid("json");
    return c.json(await startUploads(c, c.req.valid("param").id, files), 201);
  });
}
