import { ApiError, defineRoute, PROBLEM_CONTENT_TYPE, ProblemSchema } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { forChange } from "./content.routes";

const route = defineRoute({
  method: "post",
  path: "/v1/content/{id}/assets",
  tags: ["Content"],
  summary: "Starts an upload to a post: not built yet (the media hub answers it); 501 for now",
  description:
    "Checked like a change to the post (its creator, or staff of this brand; others get 403, or 404 where they cannot see it), then answered 501: signed upload URLs come from the media worker over RPC once the media hub is built.",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: { params: z.object({ id: z.string().regex(/^cnt_[0-9A-Z]{26}$/, "a content id (cnt_…)") }) },
  responses: {
    501: {
      description: "Uploads are not built yet.",
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    },
  },
});

export function registerContentAssets(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    await forChange(c, c.req.valid("param").id, "content:update");
    throw new ApiError(
      "not_implemented",
      "Uploading assets to a post is not built yet: the media hub will answer this with signed upload URLs.",
    );
  });
}
