import { mediaAsset, profileTenant } from "@fun/db";
import { ApiError, registerCustomMethod } from "@fun/http";
import { authorize, loadPrincipal } from "@fun/policy";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { hostIndex } from "../tenants/tenant-directory";
import { findContent } from "./content.repo";
import { setPublications } from "./publishing";

const publishAt = z.string().datetime({ offset: true }).optional().openapi({
  description: "Schedule it instead: when it goes live (ISO 8601). Fired once, by the minute sweep.",
});

const PublicationsSchema = z
  .object({
    publications: z.array(
      z.object({
        tenant: z.string(),
        status: z.enum(["published", "scheduled", "hidden"]),
        publishAt: z.string().nullable(),
      }),
    ),
  })
  .openapi("Publications");

const answer = {
  200: {
    description: "Where the post is published now, per brand.",
    content: { "application/json": { schema: PublicationsSchema } },
  },
};

async function publications(c: Context<GatewayEnv>, contentId: string) {
  const [found, index] = await Promise.all([findContent(c.get("services").db, contentId), hostIndex(c.env)]);
  return {
    publications: (found?.publications ?? []).map((p) => ({
      tenant: index.tenant(p.tenantId)?.slug ?? p.tenantId,
      status: p.status,
      publishAt: p.publishAt === null ? null : new Date(p.publishAt).toISOString(),
    })),
  };
}

/** The post, if the caller may publish it here: its creator or staff of this brand. */
async function publishable(c: Context<GatewayEnv>, contentId: string) {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Content is served on a brand's host.");
  const db = c.get("services").db;
  const [found, principal] = await Promise.all([
    findContent(db, contentId),
    loadPrincipal(db, c.get("auth").claims.subject),
  ]);
  if (!found) throw new ApiError("not_found", "No such post.");
  const resource = {
    kind: "content" as const,
    id: found.row.id,
    creatorProfileId: found.row.creatorProfileId,
    tenantIds: [found.row.canonicalTenantId, ...found.publications.map((p) => p.tenantId)],
  };
  if (!authorize(principal, "content:publish", resource, { tenantId: host.tenant.id }).allowed) {
    throw new ApiError("forbidden", "Only the post's creator, or staff of this brand, may publish it.");
  }
  const blocked = await db
    .select({ id: mediaAsset.id })
    .from(mediaAsset)
    .where(and(eq(mediaAsset.contentId, contentId), isNotNull(mediaAsset.blockedAt)))
    .get();
  if (blocked)
    throw new ApiError(
      "conflict",
      "The post holds media blocked by a known-bad hash match; it cannot be published. Trust & safety review it.",
    );
  return { db, host, post: found.row, publications: found.publications };
}

export function registerPublishing(app: OpenAPIHono<GatewayEnv>) {
  registerCustomMethod(app, {
    collection: "/v1/content",
    idPattern: "cnt_[0-9A-Z]+",
    verb: "publish",
    body: z.object({ publishAt }).strict().openapi("PublishRequest"),
    middleware: [requireAccount],
    route: {
      tags: ["Content"],
      summary: "Publishes a post on its canonical brand, now or at publishAt",
      description: "Call it on the post's canonical brand. Emits `fun.content.published` when it goes live.",
      security: [{ bearerAuth: [] }],
      responses: answer,
    },
    handler: async (c, id, body) => {
      const { db, host, post } = await publishable(c, id);
      if (post.canonicalTenantId !== host.tenant.id) {
        throw new ApiError("conflict", "Publish a post on its canonical brand; cross-post it to the others.");
      }
      const index = await hostIndex(c.env);
      await setPublications(
        db,
        c.get("services").outbox,
        post,
        [post.canonicalTenantId],
        body.publishAt ? Date.parse(body.publishAt) : undefined,
        (tid) => index.tenant(tid)?.slug ?? tid,
      );
      return c.json(await publications(c, id), 200);
    },
  });

  registerCustomMethod(app, {
    collection: "/v1/content",
    idPattern: "cnt_[0-9A-Z]+",
    verb: "crosspost",
    body: z
      .object({
        tenants: z
          .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
          .min(1)
          .max(10),
        publishAt,
      })
      .strict()
      .openapi("CrosspostRequest"),
    middleware: [requireAccount],
    route: {
      tags: ["Content"],
      summary: "Cross-posts a published post from its canonical brand to other brands",
      description:
        "`tenants` are brand slugs. The creator must be visible on each; the post must be published or scheduled on its canonical brand. Emits `fun.content.crossposted` when it goes live.",
      security: [{ bearerAuth: [] }],
      responses: answer,
    },
    handler: async (c, id, body) => {
      const { db, post, publications: current } = await publishable(c, id);
      const index = await hostIndex(c.env);
      const targets = [...new Set(body.tenants)].map((slug) => ({ slug, tenant: index.tenantBySlug(slug) }));
      const unknown = targets.filter((t) => !t.tenant).map((t) => t.slug);
      if (unknown.length) throw new ApiError("not_found", `No such brand: ${unknown.join(", ")}.`);
      const tenantIds = targets.flatMap((t) =>
        t.tenant && t.tenant.id !== post.canonicalTenantId ? [t.tenant.id] : [],
      );
      if (tenantIds.length === 0)
        throw new ApiError("bad_request", "Name at least one brand other than the canonical one.");
      const canonical = current.find((p) => p.tenantId === post.canonicalTenantId);
      if (!canonical || canonical.status === "hidden") {
        throw new ApiError("conflict", "Publish the post on its canonical brand before cross-posting it.");
      }
      const visible = await db
        .select({ tenantId: profileTenant.tenantId })
        .from(profileTenant)
        .where(
          and(
            eq(profileTenant.profileId, post.creatorProfileId),
            inArray(profileTenant.tenantId, tenantIds),
            eq(profileTenant.isVisible, true),
          ),
        )
        .all();
      const hidden = tenantIds.filter((tid) => !visible.some((v) => v.tenantId === tid));
      if (hidden.length) {
        throw new ApiError(
          "forbidden",
          `The creator is hidden or absent on ${hidden.map((tid) => index.tenant(tid)?.slug ?? tid).join(", ")}.`,
        );
      }
      await setPublications(
        db,
        c.get("services").outbox,
        post,
        tenantIds,
        body.publishAt ? Date.parse(body.publishAt) : undefined,
        (tid) => index.tenant(tid)?.slug ?? tid,
      );
      return c.json(await publications(c, id), 200);
    },
  });
}
