import { z } from "@hono/zod-openapi";

export const ProfileId = z.string().regex(/^prf_[0-9A-Z]{26}$/, "a profile id (prf_…)");
export const PlanId = z.string().regex(/^pln_[0-9A-Z]{26}$/, "a plan id (pln_…)");

const Bundle = z
  .object({
    months: z.union([z.literal(3), z.literal(6), z.literal(12)]),
    discountBps: z
      .number()
      .int()
      .min(0)
      .max(9000)
      .openapi({ description: "Discount in basis points (1500 = 15 %)." }),
  })
  .strict();

export const NewPlanSchema = z
  .object({
    name: z.string().trim().min(1).max(80).openapi({ example: "Inner circle" }),
    priceCents: z
      .number()
      .int()
      .min(100)
      .max(100_000)
      .openapi({ description: "Monthly price, minor units of the brand's currency." }),
    trialDays: z.number().int().min(0).max(90).default(0),
    perks: z.array(z.string().trim().min(1).max(120)).max(20).default([]),
    bundles: z
      .array(Bundle)
      .max(3)
      .default([])
      .refine(
        (bundles) => new Set(bundles.map((b) => b.months)).size === bundles.length,
        "one bundle per length",
      ),
  })
  .strict()
  .openapi("NewPlan");

export const PlanChangesSchema = z
  .object({ active: z.literal(false) })
  .strict()
  .openapi("PlanChanges", {
    description: "Deactivates a plan: no new subscribers; existing subscriptions go on until they end.",
  });

export const PlanSchema = z
  .object({
    id: z.string(),
    creatorProfileId: z.string(),
    name: z.string(),
    priceCents: z.number().int(),
    currency: z.string(),
    trialDays: z.number().int(),
    perks: z.array(z.string()),
    bundles: z.array(
      z.object({ months: z.number().int(), discountBps: z.number().int(), priceCents: z.number().int() }),
    ),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("Plan");

export const NewPromoCodeSchema = z
  .object({
    code: z
      .string()
      .regex(/^[A-Za-z0-9]{3,32}$/)
      .openapi({ example: "SUMMER25" }),
    kind: z.enum(["percent", "fixed"]),
    value: z
      .number()
      .int()
      .positive()
      .openapi({ description: "Basis points off (percent) or minor units off (fixed)." }),
    planId: PlanId.optional(),
    expiresAt: z.string().datetime().optional(),
    maxRedemptions: z.number().int().positive().optional(),
    newSubscribersOnly: z.boolean().default(false),
  })
  .strict()
  .refine((promo) => promo.kind !== "percent" || promo.value <= 10_000, {
    message: "at most 10000 basis points",
    path: ["value"],
  })
  .openapi("NewPromoCode");

export const PromoCodeSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    kind: z.enum(["percent", "fixed"]),
    value: z.number().int(),
    planId: z.string().nullable(),
    expiresAt: z.string().nullable(),
    maxRedemptions: z.number().int().nullable(),
    redemptions: z.number().int(),
    newSubscribersOnly: z.boolean(),
  })
  .openapi("PromoCode");
