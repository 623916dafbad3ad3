import { ApiError, defineRoute } from "@fun/http";
import { loadPrincipal, permissionsOn } from "@fun/policy";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { findAccountWithProfile } from "./me.repo";

export const MeSchema = z
  .object({
    account: z.object({
      id: z.string().openapi({ example: "acc_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
      email: z.string(),
      status: z.enum(["active", "disabled", "pending"]),
    }),
    profile: z
      .object({
        id: z.string(),
        handle: z.string(),
        displayName: z.string(),
        bio: z.string().nullable(),
        type: z.enum(["creator", "fan", "staff"]),
      })
      .nullable(),
    tenant: z.string().openapi({ description: "The brand the token is for.", example: "pupfanz" }),
    permissions: z.array(z.string()).openapi({ description: "What the account may do on this brand." }),
  })
  .openapi("Me");

const route = defineRoute({
  method: "get",
  path: "/v1/me",
  tags: ["Identity"],
  summary: "The signed-in account, its profile and its permissions on this brand",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  responses: {
    200: {
      description: "Who the access token belongs to.",
      content: { "application/json": { schema: MeSchema } },
    },
  },
});

/** The caller's account, profile and permissions on this brand (after `requireAccount`): the Me body. */
export async function describeMe(c: Context<GatewayEnv>): Promise<z.infer<typeof MeSchema>> {
  const { claims } = c.get("auth");
  const host = c.get("host");
  const db = c.get("services").db;
  // Independent reads: ask for both at once rather than one after the other.
  const [found, principal] = await Promise.all([
    findAccountWithProfile(db, claims.subject),
    loadPrincipal(db, claims.subject),
  ]);
  if (!found) throw new ApiError("unauthenticated", "The account behind this token no longer exists.");
  if (found.account.status !== "active") throw new ApiError("forbidden", "This account is not active.");
  const tenantId = host.kind === "tenant" ? host.tenant.id : "";
  const slug = host.kind === "tenant" ? host.tenant.slug : "";
  return { ...found, tenant: slug, permissions: [...permissionsOn(principal, tenantId)].sort() };
}

export function registerGetMe(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const me = await describeMe(c);
    c.header("Cache-Control", "private, no-store");
    return c.json(me, 200);
  });
}
