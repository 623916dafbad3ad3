import { newId } from "@fun/core";
import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { callerOf, identifyAccount, requirePermission } from "../../middleware/authenticate";
import { findOwnProfileId } from "../me/me.repo";
import { commerceRules } from "../payments/commerce-context";
import { hostIndex } from "../tenants/tenant-directory";
import {
  deactivatePlan,
  findPlan,
  insertPlan,
  insertPromo,
  listPlans,
  type PlanRow,
  type PromoRow,
} from "./plans.repo";
import {
  NewPlanSchema,
  NewPromoCodeSchema,
  PlanChangesSchema,
  PlanId,
  PlanSchema,
  ProfileId,
  PromoCodeSchema,
} from "./plans.schema";
import { bundlePrice } from "./pricing";

const secured = { security: [{ bearerAuth: [] as string[] }] };
const managePlans = requirePermission("plans:manage");

const routes = {
  list: defineRoute({
    method: "get",
    path: "/v1/creators/{id}/plans",
    tags: ["Commerce"],
    summary: "A creator's subscription plans on this brand (their own inactive plans too, for them)",
    security: [{}, { bearerAuth: [] as string[] }],
    middleware: identifyAccount,
    request: { params: z.object({ id: ProfileId }) },
    responses: {
      200: {
        description: "The plans.",
        content: { "application/json": { schema: z.object({ plans: z.array(PlanSchema) }) } },
      },
    },
  }),
  create: defineRoute({
    method: "post",
    path: "/v1/creators/{id}/plans",
    tags: ["Commerce"],
    summary: "Creates one of the caller's plans on this brand, priced in the brand's currency",
    ...secured,
    middleware: managePlans,
    request: {
      params: z.object({ id: ProfileId }),
      body: { required: true, content: { "application/json": { schema: NewPlanSchema } } },
    },
    responses: { 201: { description: "Created.", content: { "application/json": { schema: PlanSchema } } } },
  }),
  change: defineRoute({
    method: "patch",
    path: "/v1/creators/{id}/plans/{planId}",
    tags: ["Commerce"],
    summary: "Deactivates a plan: no new subscribers, existing subscriptions unchanged",
    ...secured,
    middleware: managePlans,
    request: {
      params: z.object({ id: ProfileId, planId: PlanId }),
      body: { required: true, content: { "application/json": { schema: PlanChangesSchema } } },
    },
    responses: { 200: { description: "The plan.", content: { "application/json": { schema: PlanSchema } } } },
  }),
  promo: defineRoute({
    method: "post",
    path: "/v1/creators/{id}/promo-codes",
    tags: ["Commerce"],
    summary: "Creates a promotion code for the caller's plans on this brand",
    ...secured,
    middleware: managePlans,
    request: {
      params: z.object({ id: ProfileId }),
      body: { required: true, content: { "application/json": { schema: NewPromoCodeSchema } } },
    },
    responses: {
      201: { description: "Created.", content: { "application/json": { schema: PromoCodeSchema } } },
    },
  }),
};

export function planView(row: PlanRow): z.infer<typeof PlanSchema> {
  return {
    id: row.id,
    creatorProfileId: row.creatorProfileId,
    name: row.name,
    priceCents: row.priceCents,
    currency: row.currency,
    trialDays: row.trialDays,
    perks: row.perks,
    bundles: row.bundles.map((bundle) => ({ ...bundle, priceCents: bundlePrice(row.priceCents, bundle) })),
    active: row.active,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

const promoView = (row: PromoRow): z.infer<typeof PromoCodeSchema> => ({
  id: row.id,
  code: row.code,
  kind: row.kind,
  value: row.value,
  planId: row.planId,
  expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString(),
  maxRedemptions: row.maxRedemptions,
  redemptions: row.redemptions,
  newSubscribersOnly: row.newSubscribersOnly,
});

function brandOf(c: Context<GatewayEnv>) {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "Plans are served on a brand's host.");
  return host.tenant;
}

/** Only the creator themself manages their plans and promotions (a brand's staff do not price them). */
function requireSelf(c: Context<GatewayEnv>, creatorId: string) {
  if (c.get("auth").principal?.profileId !== creatorId) {
    throw new ApiError("forbidden", "Only the creator manages their own plans.");
  }
}

export function registerPlans(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(routes.list, async (c) => {
    const tenant = brandOf(c);
    const { id } = c.req.valid("param");
    const db = c.get("services").db;
    const caller = callerOf(c);
    const own = caller ? (await findOwnProfileId(db, caller.subject)) === id : false;
    const rows = await listPlans(db, tenant.id, id, own);
    return c.json({ plans: rows.map(planView) }, 200);
  });

  app.openapi(routes.create, async (c) => {
    const tenant = brandOf(c);
    const { id } = c.req.valid("param");
    requireSelf(c, id);
    const body = c.req.valid("json");
    const now = Date.now();
    const row = await insertPlan(c.get("services").db, {
      id: newId("plan", now),
      tenantId: tenant.id,
      creatorProfileId: id,
      name: body.name,
      priceCents: body.priceCents,
      currency: commerceRules(await hostIndex(c.env), tenant.id).currency,
      interval: "month",
      trialDays: body.trialDays,
      perks: body.perks,
      bundles: body.bundles,
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    c.header("Location", `/v1/creators/${id}/plans`);
    return c.json(planView(row), 201);
  });

  app.openapi(routes.change, async (c) => {
    const tenant = brandOf(c);
    const { id, planId } = c.req.valid("param");
    requireSelf(c, id);
    const db = c.get("services").db;
    const plan = await findPlan(db, tenant.id, planId);
    if (!plan || plan.creatorProfileId !== id) throw new ApiError("not_found", "No such plan on this brand.");
    const row = await deactivatePlan(db, tenant.id, planId);
    if (!row) throw new ApiError("not_found", "No such plan on this brand.");
    return c.json(planView(row), 200);
  });

  app.openapi(routes.promo, async (c) => {
    const tenant = brandOf(c);
    const { id } = c.req.valid("param");
    requireSelf(c, id);
    const body = c.req.valid("json");
    const db = c.get("services").db;
    if (body.planId) {
      const plan = await findPlan(db, tenant.id, body.planId);
      if (!plan || plan.creatorProfileId !== id)
        throw new ApiError("not_found", "No such plan on this brand.");
    }
    const row = await insertPromo(db, {
      id: newId("promoCode"),
      tenantId: tenant.id,
      creatorProfileId: id,
      planId: body.planId ?? null,
      code: body.code,
      kind: body.kind,
      value: body.value,
      expiresAt: body.expiresAt ? Date.parse(body.expiresAt) : null,
      maxRedemptions: body.maxRedemptions ?? null,
      newSubscribersOnly: body.newSubscribersOnly,
      createdAt: Date.now(),
    });
    if (!row) throw new ApiError("conflict", "You already have a promotion with this code on this brand.");
    return c.json(promoView(row), 201);
  });
}
