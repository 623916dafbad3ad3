import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { findOwnProfileId } from "../me/me.repo";
import { findVisibleProfile } from "./profiles.repo";
import { addBlock, addFollow, blockedBetween, removeBlock, removeFollow } from "./social.repo";

const Target = z.object({ id: z.string().regex(/^prf_[0-9A-Z]{26}$/, "a profile id (prf_…)") });
const FollowState = z.object({ profileId: z.string(), following: z.boolean() }).openapi("FollowState");
const BlockState = z.object({ profileId: z.string(), blocked: z.boolean() }).openapi("BlockState");

function route(method: "post" | "delete", relation: "follow" | "block", summary: string) {
  return defineRoute({
    method,
    path: `/v1/profiles/{id}/${relation}`,
    tags: ["Profiles"],
    summary,
    security: [{ bearerAuth: [] as string[] }],
    middleware: requireAccount,
    request: { params: Target },
    responses: {
      200: {
        description: "The relation now (the call is idempotent).",
        content: { "application/json": { schema: relation === "follow" ? FollowState : BlockState } },
      },
    },
  });
}

const routes = {
  follow: route("post", "follow", "Follows a profile present on this brand"),
  unfollow: route("delete", "follow", "Stops following a profile"),
  block: route(
    "post",
    "block",
    "Blocks a profile everywhere: it sees nothing of the caller and cannot follow, message or buy",
  ),
  unblock: route("delete", "block", "Lifts a block"),
};

/** The caller's profile and the target, which must be someone else. */
async function parties(c: Context<GatewayEnv>, targetId: string) {
  const db = c.get("services").db;
  const me = await findOwnProfileId(db, c.get("auth").claims.subject);
  if (!me) throw new ApiError("forbidden", "This account has no profile yet.");
  if (me === targetId) throw new ApiError("bad_request", "A profile cannot follow or block itself.");
  return { db, me };
}

function tenantOf(c: Context<GatewayEnv>) {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Profiles are served on a brand's host.");
  return host.tenant;
}

export function registerSocial(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(routes.follow, async (c) => {
    const { id } = c.req.valid("param");
    const { db, me } = await parties(c, id);
    // A blocked caller is told the profile does not exist, exactly as if it were not on this brand.
    const tenant = tenantOf(c);
    const [target, blocked] = await Promise.all([
      findVisibleProfile(db, tenant.id, { id }),
      blockedBetween(db, me, id),
    ]);
    if (!target || blocked) throw new ApiError("not_found", "No such profile on this brand.");
    await addFollow(db, c.get("services").outbox, { followerId: me, followeeId: id, tenant });
    return c.json({ profileId: id, following: true }, 200);
  });

  app.openapi(routes.unfollow, async (c) => {
    const { id } = c.req.valid("param");
    const { db, me } = await parties(c, id);
    await removeFollow(db, me, id);
    return c.json({ profileId: id, following: false }, 200);
  });

  app.openapi(routes.block, async (c) => {
    const { id } = c.req.valid("param");
    const { db, me } = await parties(c, id);
    // Blocking works on anyone who exists, even where they are hidden: a hidden harasser is still one.
    try {
      await addBlock(db, me, id);
    } catch (error) {
      if (String(error).includes("FOREIGN KEY")) throw new ApiError("not_found", "No such profile.");
      throw error;
    }
    return c.json({ profileId: id, blocked: true }, 200);
  });

  app.openapi(routes.unblock, async (c) => {
    const { id } = c.req.valid("param");
    const { db, me } = await parties(c, id);
    await removeBlock(db, me, id);
    return c.json({ profileId: id, blocked: false }, 200);
  });
}
