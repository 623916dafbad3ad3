import { ApiError, defineRoute, problemDoc } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { assetFor } from "./media-access";
import { AssetParams } from "./screening.schema";

const route = defineRoute({
  method: "get",
  path: "/v1/media/{assetId}/preview",
  tags: ["Media"],
  summary: "Zero-download review: a small preview marked with the reviewer, for compliance staff",
  description:
    "Answers a 720 px JPEG of the picture, made for this request and marked with a forensic watermark naming the reviewer (a leaked screenshot traces back to them), shown inline and never stored by the browser. Every preview is written to the audit log first. For compliance staff (`compliance:read`) of a brand the asset lives on; pictures matched to a known-bad list are never displayed.",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: { params: AssetParams },
  responses: {
    200: {
      description: "The preview.",
      content: { "image/jpeg": { schema: z.string().openapi({ format: "binary" }) } },
    },
    404: problemDoc("No such asset, or not the caller's to review."),
    409: problemDoc("The asset is not a stored picture, or matched a known-bad list."),
  },
});

export function registerReviewPreview(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "Media is reached on a brand's host.");
    const { assetId } = c.req.valid("param");
    const { principal } = await assetFor(c, assetId, "asset:review");
    if (principal.profileId === null)
      throw new ApiError(
        "forbidden",
        "Reviewing needs a staff profile, which names the reviewer in the mark.",
      );
    const preview = await c.env.MEDIA.reviewPreview({
      assetId,
      tenantId: host.tenant.id,
      reviewerProfileId: principal.profileId,
    });
    if (!preview.ok) {
      if (preview.error === "unknown_asset") throw new ApiError("not_found", "No such asset.");
      throw new ApiError(
        "conflict",
        preview.error === "known_bad"
          ? "This picture matched a known-bad list and is never displayed; trust & safety handle it."
          : "Only stored pictures can be previewed.",
      );
    }
    // Recorded before a byte is shown: no audit entry, no preview.
    await c.env.COMPLIANCE.appendAudit({
      actorAccountId: principal.accountId,
      tenantId: host.tenant.id,
      action: "media.preview",
      subjectTable: "media_asset",
      subjectId: assetId,
      ip: c.req.header("cf-connecting-ip") ?? null,
      userAgent: c.req.header("user-agent") ?? null,
      data: { payloadId: preview.value.payloadId, width: preview.value.width, height: preview.value.height },
    });
    return new Response(preview.value.jpeg, {
      status: 200,
      headers: {
        "content-type": "image/jpeg",
        "content-disposition": "inline",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
        "x-fun-payload-id": preview.value.payloadId,
      },
    });
  });
}
