import { content, mediaAsset } from "@fun/db";
import { ApiError, defineRoute, fieldErrors, problemDoc, validationFailed } from "@fun/http";
import { loadPrincipal } from "@fun/policy";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { callerOf, identifyAccount } from "../../middleware/authenticate";
import { hostIndex } from "../tenants/tenant-directory";
import { mediaHostUrl } from "./media-links";

const ASSET_ID = /^ast_[0-9A-HJKMNP-TV-Z]{26}$/;

const QuerySchema = z.object({
  tenant: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .optional()
    .openapi({
      description: "The brand whose media host serves the link (its slug); this brand by default.",
    }),
  variant: z
    .enum(["watermarked", "thumb", "thumb_small", "teaser", "hls", "dash"])
    .default("watermarked")
    .openapi({
      description:
        "`watermarked` full size (a buyer's own marked copy when one was made for them), `thumb` (720 px long side), `thumb_small` (240 px), `teaser` (locked posts' preview), video manifests.",
    }),
});

const SignedUrlSchema = z
  .object({
    url: z.string().url(),
    expiresAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("SignedMediaUrl");

const route = defineRoute({
  method: "get",
  path: "/v1/vault/assets/{assetId}:signedUrl",
  tags: ["Media"],
  summary: "A short-lived signed link to a rendition of an asset, for a viewer entitled to it now",
  description:
    "The link (5 minutes) is bound to the asset, the rendition, the brand's media host and the caller; the media host checks it and the caller's entitlement again on every request. Public posts' renditions and every teaser are for anyone, signed in or not; subscribers-only posts need an active subscription to the creator, pay-per-view posts a paid purchase; the creator and the brand's staff always get one. Blocked, unpublished or unknown media is a 404.",
  security: [{ bearerAuth: [] }, {}],
  request: {
    params: z.object({ assetId: z.string().regex(new RegExp(`^${ASSET_ID}$`)) }),
    query: QuerySchema,
  },
  responses: {
    200: { description: "The link.", content: { "application/json": { schema: SignedUrlSchema } } },
    403: problemDoc("The caller is not entitled to this media now."),
  },
});

export function registerSignedUrl(app: OpenAPIHono<GatewayEnv>) {
  app.openAPIRegistry.registerPath(route);
  // Served as one parameter whose pattern ends in `:signedUrl` (Hono matches a segment whole).
  app.get("/v1/vault/assets/:assetId{ast_[0-9A-Z]+:signedUrl}", identifyAccount, async (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "Media links are issued on a brand's host.");
    const query = QuerySchema.safeParse(c.req.query());
    if (!query.success) throw validationFailed("query", fieldErrors(query.error, "query"));
    const assetId = (c.req.param("assetId") ?? "").slice(0, -":signedUrl".length);
    if (!ASSET_ID.test(assetId)) throw new ApiError("not_found", "No such asset.");
    const index = await hostIndex(c.env);
    const tenant = query.data.tenant ? index.tenantBySlug(query.data.tenant) : host.tenant;
    if (!tenant) throw new ApiError("not_found", `No brand is called ${query.data.tenant}.`);
    const caller = callerOf(c);
    const viewerProfileId = caller
      ? ((await loadPrincipal(c.get("services").db, caller.subject)).profileId ?? null)
      : null;
    const request = { assetId, variant: query.data.variant, tenantId: tenant.id, viewerProfileId };
    let signed = await c.env.VAULT.signMediaLink(request);
    // A pay-per-view buyer's full-size link is to their own marked copy (made on first ask), so a
    // leak of it names them. `no_variant` means allowed, with no brand rendition made yet.
    const allowed = signed.ok || signed.error === "no_variant";
    if (allowed && viewerProfileId && (await ownCopyFor(c, assetId, query.data.variant, viewerProfileId))) {
      const copy = await c.env.MEDIA.applyWatermark({
        assetId,
        tenantId: tenant.id,
        recipientProfileId: viewerProfileId,
      });
      if (copy.ok) signed = await c.env.VAULT.signMediaLink({ ...request, copyId: copy.value.variantId });
    }
    if (!signed.ok) {
      if (signed.error === "not_entitled")
        throw new ApiError("forbidden", "This media is for subscribers or buyers of the post only.");
      if (signed.error === "revoked") throw new ApiError("gone", "This media was taken down.");
      throw new ApiError("not_found", "This media is not available on that brand.");
    }
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        url: mediaHostUrl(c, tenant, signed.value.path),
        expiresAt: new Date(signed.value.expiresAt).toISOString(),
      },
      200,
    );
  });
}

/** Whether a viewer gets a copy marked for them: the full size of a pay-per-view post that is not theirs. */
async function ownCopyFor(c: Context<GatewayEnv>, assetId: string, variant: string, viewer: string) {
  if (variant !== "watermarked") return false;
  const post = await c
    .get("services")
    .db.select({ visibility: content.visibility, creatorProfileId: content.creatorProfileId })
    .from(mediaAsset)
    .innerJoin(content, eq(content.id, mediaAsset.contentId))
    .where(eq(mediaAsset.id, assetId))
    .get();
  return post?.visibility === "ppv" && post.creatorProfileId !== viewer;
}
