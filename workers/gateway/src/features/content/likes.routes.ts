import { contentLike, contentTenantMap } from "@fun/db";
import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { and, count, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { findOwnProfileId } from "../me/me.repo";
import { findContent } from "./content.repo";
import { visibleToOutsider } from "./visibility";

const params = z.object({ id: z.string().regex(/^cnt_[0-9A-Z]{26}$/, "a content id (cnt_…)") });
const LikesSchema = z
  .object({ liked: z.boolean(), likeCount: z.number().int() })
  .openapi("Likes", { description: "The caller's like and the post's likes on this brand." });
const answer = {
  200: { description: "The like as it stands.", content: { "application/json": { schema: LikesSchema } } },
};

const routes = {
  like: defineRoute({
    method: "post",
    path: "/v1/content/{id}/like",
    tags: ["Content"],
    summary: "Likes a post on this brand (again is a no-op); likes feed the ranked feed",
    security: [{ bearerAuth: [] }],
    middleware: requireAccount,
    request: { params },
    responses: answer,
  }),
  unlike: defineRoute({
    method: "delete",
    path: "/v1/content/{id}/like",
    tags: ["Content"],
    summary: "Takes the caller's like back (when there is none, a no-op)",
    security: [{ bearerAuth: [] }],
    middleware: requireAccount,
    request: { params },
    responses: answer,
  }),
};

/** The post and the caller's profile, if the caller sees the post on this brand. */
async function likeable(c: Context<GatewayEnv>, contentId: string) {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Content is served on a brand's host.");
  const db = c.get("services").db;
  const [found, me] = await Promise.all([
    findContent(db, contentId),
    findOwnProfileId(db, c.get("auth").claims.subject),
  ]);
  if (!me) throw new ApiError("forbidden", "Create a profile before liking posts.");
  const post = found && { creatorProfileId: found.row.creatorProfileId, publications: found.publications };
  if (!post || !(await visibleToOutsider(db, post, host.tenant.id, me)))
    throw new ApiError("not_found", "No such post on this brand.");
  return { db, tenantId: host.tenant.id, me };
}

export function registerLikes(app: OpenAPIHono<GatewayEnv>) {
  const change = (liked: boolean) => async (c: Context<GatewayEnv>, contentId: string) => {
    const { db, tenantId, me } = await likeable(c, contentId);
    const key = and(eq(contentLike.contentId, contentId), eq(contentLike.tenantId, tenantId));
    const write = liked
      ? db
          .insert(contentLike)
          .values({ contentId, tenantId, profileId: me, createdAt: Date.now() })
          .onConflictDoNothing()
      : db.delete(contentLike).where(and(key, eq(contentLike.profileId, me)));
    // The count is recomputed from the likes in the same batch, so it can never drift from them.
    const likes = db.select({ n: count() }).from(contentLike).where(key);
    const [, [recount]] = await db.batch([
      write,
      db
        .update(contentTenantMap)
        .set({ likeCount: sql`(${likes})` })
        .where(and(eq(contentTenantMap.contentId, contentId), eq(contentTenantMap.tenantId, tenantId)))
        .returning({ likeCount: contentTenantMap.likeCount }),
    ]);
    return c.json({ liked, likeCount: recount?.likeCount ?? 0 }, 200);
  };
  const like = change(true);
  const unlike = change(false);
  app.openapi(routes.like, (c) => like(c, c.req.valid("param").id));
  app.openapi(routes.unlike, (c) => unlike(c, c.req.valid("param").id));
}
