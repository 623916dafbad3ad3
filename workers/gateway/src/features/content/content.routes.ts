import { newId } from "@fun/core";
import { content, contentTenantMap, profileTenant } from "@fun/db";
import { createEvent } from "@fun/events";
import { ApiError, defineRoute } from "@fun/http";
import { type Action, authorize, fanIsEntitled, loadPrincipal, type Principal } from "@fun/policy";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { callerOf, identifyAccount, requireAccount, requirePermission } from "../../middleware/authenticate";
import { hostIndex } from "../tenants/tenant-directory";
import { type ContentRow, findContent, type Publication } from "./content.repo";
import { livesOn, visibleToOutsider } from "./visibility";

const tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_-]{1,32}$/, "tags are 1-32 of a-z, 0-9, _ and -");
const fields = {
  title: z.string().trim().min(1).max(200).openapi({ example: "Beach day" }),
  caption: z.string().max(5000).nullable().openapi({ example: "Sun, sand and a new set." }),
  visibility: z.enum(["public", "subscribers", "ppv"]),
  priceCents: z.number().int().min(0).max(1_000_000).openapi({ description: "Required above 0 for ppv." }),
  tags: z.array(tag).max(20),
  rating: z.enum(["general", "explicit"]).openapi({
    description: "`general` posts may show under safe search; the default is `explicit`.",
  }),
};

const NewContentSchema = z
  .object({
    ...fields,
    caption: fields.caption.optional(),
    priceCents: fields.priceCents.optional(),
    tags: fields.tags.default([]),
    rating: fields.rating.default("explicit"),
  })
  .strict()
  .refine((post) => post.visibility !== "ppv" || (post.priceCents ?? 0) > 0, {
    message: "A ppv post needs a price above 0.",
    path: ["priceCents"],
  })
  .openapi("NewContent");

const ContentChangesSchema = z
  .object(fields)
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, "Send at least one field to change.")
  .openapi("ContentChanges");

const PublicationSchema = z
  .object({
    tenant: z.string(),
    status: z.enum(["published", "scheduled", "hidden"]),
    publishAt: z.string().nullable(),
  })
  .openapi("Publication");

const ContentSchema = z
  .object({
    id: z.string().openapi({ example: "cnt_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    creatorProfileId: z.string(),
    canonicalTenant: z.string().openapi({ example: "girlfanz" }),
    title: z.string(),
    caption: z.string().nullable(),
    visibility: z.enum(["public", "subscribers", "ppv"]),
    priceCents: z.number().int(),
    tags: z.array(z.string()),
    rating: z.enum(["general", "explicit"]),
    locked: z.boolean().openapi({
      description: "True when the caller is not entitled: metadata and teaser only, never media.",
    }),
    publications: z
      .array(PublicationSchema)
      .optional()
      .openapi({ description: "Where it is published; shown to its creator and staff only." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Content");

const ContentId = z.object({ id: z.string().regex(/^cnt_[0-9A-Z]{26}$/, "a content id (cnt_…)") });
const json200 = (description: string) => ({
  200: { description, content: { "application/json": { schema: ContentSchema } } },
});
const secured = { security: [{ bearerAuth: [] as string[] }] };

const routes = {
  create: defineRoute({
    method: "post",
    path: "/v1/content",
    tags: ["Content"],
    summary: "Creates a canonical post on this brand (unpublished until published)",
    ...secured,
    middleware: requirePermission("content:write"),
    request: { body: { required: true, content: { "application/json": { schema: NewContentSchema } } } },
    responses: {
      201: { description: "Created.", content: { "application/json": { schema: ContentSchema } } },
    },
  }),
  get: defineRoute({
    method: "get",
    path: "/v1/content/{id}",
    tags: ["Content"],
    summary: "A post as this brand shows it; locked posts give metadata, never media",
    security: [{}, { bearerAuth: [] as string[] }],
    middleware: identifyAccount,
    request: { params: ContentId },
    responses: json200("The post."),
  }),
  update: defineRoute({
    method: "patch",
    path: "/v1/content/{id}",
    tags: ["Content"],
    summary: "Changes a post: its creator, or staff of a brand it is on",
    ...secured,
    middleware: requireAccount,
    request: {
      params: ContentId,
      body: { required: true, content: { "application/json": { schema: ContentChangesSchema } } },
    },
    responses: json200("The post as changed."),
  }),
  remove: defineRoute({
    method: "delete",
    path: "/v1/content/{id}",
    tags: ["Content"],
    summary: "Takes a post down from every brand (kept for its records; its creator still sees it)",
    ...secured,
    middleware: requireAccount,
    request: { params: ContentId },
    responses: { 204: { description: "Hidden everywhere." } },
  }),
};

const iso = (ms: number) => new Date(ms).toISOString();

/** Tells readers of the post (search) to refresh it. */
const contentUpdated = (row: ContentRow, change: "edited" | "removed") =>
  createEvent(
    "fun.content.updated",
    { contentId: row.id, change },
    { tenantId: row.canonicalTenantId, subject: row.id },
  );

function tenantOf(c: Context<GatewayEnv>) {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Content is served on a brand's host.");
  return host.tenant;
}

function resourceOf(row: ContentRow, publications: Publication[]) {
  const tenantIds = [row.canonicalTenantId, ...publications.map((publication) => publication.tenantId)];
  return { kind: "content" as const, id: row.id, creatorProfileId: row.creatorProfileId, tenantIds };
}

async function present(
  c: Context<GatewayEnv>,
  row: ContentRow,
  publications: Publication[],
  view: { locked: boolean; insider: boolean },
): Promise<z.infer<typeof ContentSchema>> {
  const index = await hostIndex(c.env);
  const slug = (id: string) => index.tenant(id)?.slug ?? id;
  return {
    id: row.id,
    creatorProfileId: row.creatorProfileId,
    canonicalTenant: slug(row.canonicalTenantId),
    title: row.title,
    caption: row.caption,
    visibility: row.visibility,
    priceCents: row.priceCents,
    tags: row.tags,
    rating: row.rating,
    locked: view.locked,
    ...(view.insider
      ? {
          publications: publications.map((p) => ({
            tenant: slug(p.tenantId),
            status: p.status,
            publishAt: p.publishAt === null ? null : iso(p.publishAt),
          })),
        }
      : {}),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** The post and the caller's right to `action` on it (owner, or staff with scope on this brand). */
export async function forChange(c: Context<GatewayEnv>, id: string, action: Action) {
  const db = c.get("services").db;
  const [found, principal] = await Promise.all([
    findContent(db, id),
    loadPrincipal(db, c.get("auth").claims.subject),
  ]);
  if (!found) throw new ApiError("not_found", "No such post.");
  const decision = authorize(principal, action, resourceOf(found.row, found.publications), {
    tenantId: tenantOf(c).id,
  });
  if (!decision.allowed) {
    // Someone who could not even see it learns nothing about it.
    if (!livesOn(found.publications, tenantOf(c).id)) throw new ApiError("not_found", "No such post.");
    throw new ApiError("forbidden", "Only the post's creator, or staff of this brand, may change it.");
  }
  return { db, found, principal };
}

export function registerContent(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(routes.create, async (c) => {
    const db = c.get("services").db;
    const tenant = tenantOf(c);
    const principal = c.get("auth").principal as Principal;
    if (!principal.profileId) throw new ApiError("forbidden", "Create a profile before posting.");
    const presence = await db
      .select({ visible: profileTenant.isVisible })
      .from(profileTenant)
      .where(and(eq(profileTenant.profileId, principal.profileId), eq(profileTenant.tenantId, tenant.id)))
      .get();
    if (!presence?.visible)
      throw new ApiError("forbidden", "Your profile is hidden on this brand; show it to post here.");
    const post = c.req.valid("json");
    const now = Date.now();
    const [row] = await db
      .insert(content)
      .values({
        id: newId("content"),
        creatorProfileId: principal.profileId,
        canonicalTenantId: tenant.id,
        title: post.title,
        caption: post.caption ?? null,
        visibility: post.visibility,
        priceCents: post.priceCents ?? 0,
        tags: [...new Set(post.tags)],
        rating: post.rating,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error("the inserted post was not returned");
    return c.json(await present(c, row, [], { locked: false, insider: true }), 201);
  });

  app.openapi(routes.get, async (c) => {
    const db = c.get("services").db;
    const tenant = tenantOf(c);
    const found = await findContent(db, c.req.valid("param").id);
    if (!found) throw new ApiError("not_found", "No such post on this brand.");
    const caller = callerOf(c);
    const principal = caller ? await loadPrincipal(db, caller.subject) : null;
    const resource = resourceOf(found.row, found.publications);
    const insider = authorize(principal, "content:read-private", resource, { tenantId: tenant.id }).allowed;
    if (!insider) {
      const post = { creatorProfileId: found.row.creatorProfileId, publications: found.publications };
      if (!(await visibleToOutsider(db, post, tenant.id, principal?.profileId ?? undefined)))
        throw new ApiError("not_found", "No such post on this brand.");
    }
    const open =
      insider ||
      found.row.visibility === "public" ||
      (principal?.profileId ? await fanIsEntitled(db, principal.profileId, found.row) : false);
    c.header("Cache-Control", "private, no-store");
    return c.json(await present(c, found.row, found.publications, { locked: !open, insider }), 200);
  });

  app.openapi(routes.update, async (c) => {
    const { db, found } = await forChange(c, c.req.valid("param").id, "content:update");
    const changes = c.req.valid("json");
    const next = { ...found.row, ...changes };
    if (next.visibility === "ppv" && next.priceCents <= 0) {
      throw new ApiError("validation_failed", "A ppv post needs a price above 0.", {
        errors: [{ location: "body", path: "priceCents", message: "must be above 0 for ppv" }],
      });
    }
    const [[row]] = await db.batch([
      db
        .update(content)
        .set({
          ...changes,
          ...(changes.tags ? { tags: [...new Set(changes.tags)] } : {}),
          updatedAt: Date.now(),
        })
        .where(eq(content.id, found.row.id))
        .returning(),
      c.get("services").outbox.insert(contentUpdated(found.row, "edited")),
    ]);
    if (!row) throw new ApiError("not_found", "No such post.");
    return c.json(await present(c, row, found.publications, { locked: false, insider: true }), 200);
  });

  app.openapi(routes.remove, async (c) => {
    const { db, found } = await forChange(c, c.req.valid("param").id, "content:delete");
    await db.batch([
      db
        .update(contentTenantMap)
        .set({ status: "hidden", updatedAt: Date.now() })
        .where(eq(contentTenantMap.contentId, found.row.id)),
      c.get("services").outbox.insert(contentUpdated(found.row, "removed")),
    ]);
    return c.body(null, 204);
  });
}
