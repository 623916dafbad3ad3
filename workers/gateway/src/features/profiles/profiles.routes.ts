import { newId } from "@fun/core";
import { ApiError, defineRoute } from "@fun/http";
import { authorize, loadPrincipal } from "@fun/policy";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { callerOf, identifyAccount, requireAccount } from "../../middleware/authenticate";
import { findOwnProfileId } from "../me/me.repo";
import { hostIndex } from "../tenants/tenant-directory";
import {
  addLink,
  deleteLink,
  findProfile,
  findVisibleProfile,
  listLinks,
  setPresence,
  updateLink,
} from "./profiles.repo";
import { blockedBetween } from "./social.repo";

const ProfileSchema = z
  .object({
    id: z.string().openapi({ example: "prf_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    handle: z.string().openapi({ example: "demo_creator" }),
    displayName: z.string(),
    bio: z.string().nullable(),
    type: z.enum(["creator", "fan", "staff"]),
  })
  .openapi("Profile");

const LinkSchema = z
  .object({ id: z.string(), title: z.string(), url: z.string(), position: z.number().int() })
  .openapi("ProfileLink");

const httpsUrl = z
  .string()
  .max(2048)
  .url()
  .refine((value) => value.startsWith("https://"), "Links must be https:// URLs.")
  .openapi({ example: "https://example.com/shop" });
const title = z.string().trim().min(1).max(80).openapi({ example: "My shop" });

const ProfileId = z.string().regex(/^prf_[0-9A-Z]{26}$/, "a profile id (prf_…)");
const params = {
  profile: z.object({ id: ProfileId }),
  presence: z.object({ id: ProfileId, tenantId: z.string().min(1).max(64) }),
  link: z.object({ id: ProfileId, linkId: z.string().regex(/^lnk_[0-9A-Z]{26}$/, "a link id (lnk_…)") }),
};

const owned = { security: [{ bearerAuth: [] as string[] }], middleware: requireAccount };

const routes = {
  get: defineRoute({
    method: "get",
    path: "/v1/profiles/{handle}",
    tags: ["Profiles"],
    summary: "A profile by handle, as this brand shows it (404 where its presence is hidden)",
    description:
      "Public. With an access token, a profile that blocked the caller (or that the caller blocked) is a 404 too.",
    security: [{}, { bearerAuth: [] as string[] }],
    middleware: identifyAccount,
    request: { params: z.object({ handle: z.string().min(3).max(30) }) },
    responses: {
      200: { description: "The profile.", content: { "application/json": { schema: ProfileSchema } } },
    },
  }),
  enable: defineRoute({
    method: "post",
    path: "/v1/profiles/{id}/tenants/{tenantId}",
    tags: ["Profiles"],
    summary: "Shows the caller's own profile on a brand",
    ...owned,
    request: { params: params.presence },
    responses: {
      200: {
        description: "Visible there now.",
        content: {
          "application/json": {
            schema: z
              .object({ profileId: z.string(), tenantId: z.string(), visible: z.boolean() })
              .openapi("Presence"),
          },
        },
      },
    },
  }),
  hide: defineRoute({
    method: "delete",
    path: "/v1/profiles/{id}/tenants/{tenantId}",
    tags: ["Profiles"],
    summary: "Hides the caller's own profile on a brand (it and its posts are 404 there)",
    ...owned,
    request: { params: params.presence },
    responses: {
      200: {
        description: "Hidden there now.",
        content: {
          "application/json": {
            schema: z.object({ profileId: z.string(), tenantId: z.string(), visible: z.boolean() }),
          },
        },
      },
    },
  }),
  links: defineRoute({
    method: "get",
    path: "/v1/profiles/{id}/links",
    tags: ["Profiles"],
    summary: "A profile's link-in-bio entries, where it is visible",
    security: [{}, { bearerAuth: [] as string[] }],
    middleware: identifyAccount,
    request: { params: params.profile },
    responses: {
      200: {
        description: "In order.",
        content: {
          "application/json": { schema: z.object({ links: z.array(LinkSchema) }).openapi("ProfileLinks") },
        },
      },
    },
  }),
  addLink: defineRoute({
    method: "post",
    path: "/v1/profiles/{id}/links",
    tags: ["Profiles"],
    summary: "Adds a link to the caller's own profile",
    ...owned,
    request: {
      params: params.profile,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({ title, url: httpsUrl }).strict().openapi("NewProfileLink"),
          },
        },
      },
    },
    responses: {
      201: { description: "Added at the end.", content: { "application/json": { schema: LinkSchema } } },
    },
  }),
  updateLink: defineRoute({
    method: "patch",
    path: "/v1/profiles/{id}/links/{linkId}",
    tags: ["Profiles"],
    summary: "Changes a link of the caller's own profile",
    ...owned,
    request: {
      params: params.link,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({ title, url: httpsUrl, position: z.number().int().min(0).max(1000) })
              .partial()
              .strict()
              .refine((changes) => Object.keys(changes).length > 0, "Send at least one field to change.")
              .openapi("ProfileLinkChanges"),
          },
        },
      },
    },
    responses: {
      200: { description: "The link as changed.", content: { "application/json": { schema: LinkSchema } } },
    },
  }),
  deleteLink: defineRoute({
    method: "delete",
    path: "/v1/profiles/{id}/links/{linkId}",
    tags: ["Profiles"],
    summary: "Removes a link of the caller's own profile",
    ...owned,
    request: { params: params.link },
    responses: { 204: { description: "Removed." } },
  }),
};

function tenantOf(c: Context<GatewayEnv>) {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Profiles are served on a brand's host.");
  return host.tenant;
}

/** The profile, if the caller owns it (the profile policy of @fun/policy); 404 when it does not exist. */
async function ownProfile(c: Context<GatewayEnv>, profileId: string) {
  const db = c.get("services").db;
  const [found, principal] = await Promise.all([
    findProfile(db, profileId),
    loadPrincipal(db, c.get("auth").claims.subject),
  ]);
  if (!found) throw new ApiError("not_found", "No such profile.");
  const decision = authorize(
    principal,
    "profile:update",
    { kind: "profile", id: profileId },
    { tenantId: tenantOf(c).id },
  );
  if (!decision.allowed) throw new ApiError("forbidden", "Only the profile's owner may change it.");
  return found;
}

async function presence(
  c: Context<GatewayEnv>,
  { id, tenantId }: { id: string; tenantId: string },
  visible: boolean,
) {
  await ownProfile(c, id);
  if (!(await hostIndex(c.env)).tenant(tenantId)) throw new ApiError("not_found", "No such brand.");
  await setPresence(c.get("services").db, c.get("services").outbox, {
    id: newId("profileTenant"),
    profileId: id,
    tenantId,
    visible,
  });
  return c.json({ profileId: id, tenantId, visible }, 200);
}

/** A profile this brand shows to this caller: present and visible here, and no block between them. */
async function shownProfile(c: Context<GatewayEnv>, where: { handle: string } | { id: string }) {
  const db = c.get("services").db;
  const caller = callerOf(c);
  const [found, callerProfile] = await Promise.all([
    findVisibleProfile(db, tenantOf(c).id, where),
    caller ? findOwnProfileId(db, caller.subject) : undefined,
  ]);
  if (!found || (callerProfile && (await blockedBetween(db, callerProfile, found.id)))) {
    throw new ApiError("not_found", "No such profile on this brand.");
  }
  return found;
}

export function registerProfiles(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(routes.get, async (c) => {
    const found = await shownProfile(c, { handle: c.req.valid("param").handle });
    const { accountId: _, ...shown } = found;
    return c.json(shown, 200);
  });

  app.openapi(routes.enable, (c) => presence(c, c.req.valid("param"), true));
  app.openapi(routes.hide, (c) => presence(c, c.req.valid("param"), false));

  app.openapi(routes.links, async (c) => {
    const db = c.get("services").db;
    const { id } = c.req.valid("param");
    await shownProfile(c, { id });
    return c.json({ links: await listLinks(db, id) }, 200);
  });

  app.openapi(routes.addLink, async (c) => {
    const { id } = c.req.valid("param");
    await ownProfile(c, id);
    const link = await addLink(c.get("services").db, {
      id: newId("profileLink"),
      profileId: id,
      ...c.req.valid("json"),
    });
    if (!link) throw new Error("the inserted link was not returned");
    return c.json(link, 201);
  });

  app.openapi(routes.updateLink, async (c) => {
    const { id, linkId } = c.req.valid("param");
    await ownProfile(c, id);
    const link = await updateLink(c.get("services").db, id, linkId, c.req.valid("json"));
    if (!link) throw new ApiError("not_found", "The profile has no such link.");
    return c.json(link, 200);
  });

  app.openapi(routes.deleteLink, async (c) => {
    const { id, linkId } = c.req.valid("param");
    await ownProfile(c, id);
    if (!(await deleteLink(c.get("services").db, id, linkId)))
      throw new ApiError("not_found", "The profile has no such link.");
    return c.body(null, 204);
  });
}
