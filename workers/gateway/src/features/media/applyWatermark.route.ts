import { content, contentTenantMap, mediaAsset, profile } from "@fun/db";
import { ApiError, defineRoute, problemDoc } from "@fun/http";
import { authorize, fanIsEntitled, loadPrincipal } from "@fun/policy";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { hostIndex } from "../tenants/tenant-directory";
import { assetTenants } from "./media-access";
import { mediaHostUrl } from "./media-links";
import { AssetParams } from "./screening.schema";

const ApplyRequestSchema = z
  .object({
    tenant: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .optional()
      .openapi({ description: "The brand the copy is served on (its slug); this brand by default." }),
    recipientProfileId: z
      .string()
      .regex(/^prf_[0-9A-Z]{26}$/, "a profile id (prf_…)")
      .optional()
      .openapi({
        description:
          "Who the copy is marked for (a PPV buyer). The creator and the brand's staff may name anyone; a fan may ask only for their own copy of a post they are entitled to.",
      }),
  })
  .openapi("ApplyWatermarkRequest");

const AppliedSchema = z
  .object({
    variantId: z.string(),
    payloadId: z.string().regex(/^[0-9a-f]{16}$/),
    signedUrl: z
      .string()
      .url()
      .openapi({ description: "A 5-minute link to the marked JPEG on the brand's media host." }),
    expiresAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("AppliedWatermark");

const route = defineRoute({
  method: "post",
  path: "/v1/media/{assetId}/watermark:apply",
  tags: ["Media"],
  summary: "Makes a forensically watermarked copy of a picture, for a brand or one buyer",
  description:
    "Marks the picture with the brand's watermark key and a 64-bit payload ID that stands for the brand, creator, post, recipient and time, stores it encrypted through the vault, and answers a signed link to it. With `recipientProfileId` the copy is that person's own (PPV buyers get one each; a leak of it traces back to them); without, it is the brand's rendition. Asking again answers the same copy. The post must be published on the brand.",
  security: [{ bearerAuth: [] }],
  middleware: requireAccount,
  request: {
    params: AssetParams,
    body: { required: false, content: { "application/json": { schema: ApplyRequestSchema } } },
  },
  responses: {
    200: { description: "The marked copy.", content: { "application/json": { schema: AppliedSchema } } },
    403: problemDoc("The caller may not have this copy made (not entitled, or naming someone else)."),
    409: problemDoc(
      "The picture cannot be marked: not published on the brand, blocked, taken down, or not a picture.",
    ),
  },
});

export function registerApplyWatermark(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "Media is reached on a brand's host.");
    const { assetId } = c.req.valid("param");
    const body = c.req.valid("json") ?? {};
    const db = c.get("services").db;
    const tenant = body.tenant ? (await hostIndex(c.env)).tenantBySlug(body.tenant) : host.tenant;
    if (!tenant) throw new ApiError("not_found", `No brand is called ${body.tenant}.`);
    const [principal, found] = await Promise.all([
      loadPrincipal(db, c.get("auth").claims.subject),
      db
        .select({ asset: mediaAsset, post: content })
        .from(mediaAsset)
        .leftJoin(content, eq(content.id, mediaAsset.contentId))
        .where(eq(mediaAsset.id, assetId))
        .get(),
    ]);
    if (!found) throw new ApiError("not_found", "No such asset.");
    const { asset, post } = found;
    const privileged = authorize(
      principal,
      "asset:watermark",
      {
        kind: "asset",
        id: asset.id,
        creatorProfileId: asset.ownerProfileId,
        tenantIds: await assetTenants(db, asset),
      },
      { tenantId: host.tenant.id },
    ).allowed;

    let recipientProfileId: string | null = body.recipientProfileId ?? null;
    if (privileged) {
      if (recipientProfileId) {
        const recipient = await db
          .select({ id: profile.id })
          .from(profile)
          .where(eq(profile.id, recipientProfileId))
          .get();
        if (!recipient) throw new ApiError("not_found", `No profile ${recipientProfileId}.`);
      }
    } else {
      // A fan's own copy of a post they may see on that brand; anything else is not theirs to ask.
      const live =
        post &&
        (await db
          .select({ id: contentTenantMap.id })
          .from(contentTenantMap)
          .where(
            and(
              eq(contentTenantMap.contentId, post.id),
              eq(contentTenantMap.tenantId, tenant.id),
              eq(contentTenantMap.status, "published"),
            ),
          )
          .get());
      if (!post || !live || principal.profileId === null) throw new ApiError("not_found", "No such asset.");
      if (recipientProfileId !== null && recipientProfileId !== principal.profileId)
        throw new ApiError(
          "forbidden",
          "Only the creator and the brand's staff may have copies made for someone else.",
        );
      recipientProfileId = principal.profileId;
      if (post.visibility !== "public" && !(await fanIsEntitled(db, principal.profileId, post)))
        throw new ApiError("forbidden", "This media is for subscribers or buyers of the post only.");
    }

    const applied = await c.env.MEDIA.applyWatermark({ assetId, tenantId: tenant.id, recipientProfileId });
    if (!applied.ok) {
      if (applied.error === "unknown_asset") throw new ApiError("not_found", "No such asset.");
      throw new ApiError(
        "conflict",
        applied.error === "not_published"
          ? `The post is not published on ${tenant.slug}: publish it there first.`
          : "This asset cannot be marked: it is blocked, taken down, not stored, or not a picture.",
      );
    }
    const signed = await c.env.VAULT.signMediaLink({
      assetId,
      variant: "watermarked",
      tenantId: tenant.id,
      viewerProfileId: principal.profileId,
      copyId: applied.value.variantId,
    });
    if (!signed.ok) throw new ApiError("forbidden", "The copy was made, but the caller may not receive it.");
    c.header("Cache-Control", "private, no-store");
    return c.json(
      {
        variantId: applied.value.variantId,
        payloadId: applied.value.payloadId,
        signedUrl: mediaHostUrl(c, tenant, signed.value.path),
        expiresAt: new Date(signed.value.expiresAt).toISOString(),
      },
      200,
    );
  });
}
