import { newId } from "@fun/core";
import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { requirePermission } from "../../middleware/authenticate";
import { brandOrigin } from "../payments/brand-origin";
import { commerceRules } from "../payments/commerce-context";
import { commerceOf } from "../payments/paymentWebhook.route";
import { findPayoutAccount, insertPayoutAccount } from "./payouts.repo";
import { requestPayout } from "./payouts.service";

const secured = { security: [{ bearerAuth: [] as string[] }] };
const mayRequest = requirePermission("payouts:request");

const LinkRequest = z
  .object({
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .openapi({ example: "US" }),
  })
  .strict()
  .openapi("LinkPayoutAccount");
const LinkAnswer = z
  .object({
    accountId: z.string(),
    kycStatus: z.enum(["pending", "verified", "rejected", "restricted"]),
    payoutsEnabled: z.boolean(),
    onboardingUrl: z
      .string()
      .openapi({ description: "The provider's onboarding page (identity, bank details)." }),
  })
  .openapi("PayoutAccountLink");
const PayoutRequest = z
  .object({
    amountCents: z.number().int().positive(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional()
      .openapi({ description: "Defaults to the brand's currency." }),
  })
  .strict()
  .openapi("PayoutRequest");
const PayoutAnswer = z
  .object({
    id: z.string(),
    amountCents: z.number().int(),
    currency: z.string(),
    status: z.enum(["requested", "scheduled", "processing", "paid", "failed", "canceled"]),
  })
  .openapi("Payout");

const routes = {
  link: defineRoute({
    method: "post",
    path: "/v1/payouts:linkAccount",
    tags: ["Commerce"],
    summary: "Links (or resumes linking) the caller's payout account at the provider",
    description:
      "Answers the provider's onboarding link; the account's KYC status then follows the provider's `account.updated` webhooks.",
    ...secured,
    middleware: [mayRequest] as const,
    request: { body: { required: true, content: { "application/json": { schema: LinkRequest } } } },
    responses: {
      200: { description: "The onboarding link.", content: { "application/json": { schema: LinkAnswer } } },
    },
  }),
  request: defineRoute({
    method: "post",
    path: "/v1/payouts:request",
    tags: ["Commerce"],
    summary: "Pays out part of the caller's available balance",
    description:
      "The amount is reserved at once (only from available funds, at least the brand's minimum, never while a balance is negative) and settled or released exactly once by the provider's payout webhook.",
    ...secured,
    middleware: [mayRequest] as const,
    request: { body: { required: true, content: { "application/json": { schema: PayoutRequest } } } },
    responses: {
      202: { description: "Reserved and sent.", content: { "application/json": { schema: PayoutAnswer } } },
    },
  }),
};

function creatorOf(c: Context<GatewayEnv>) {
  const host = c.get("host");
  const profileId = c.get("auth").principal?.profileId;
  if (host.kind !== "tenant") throw new ApiError("not_found", "Payouts are managed on a brand's host.");
  if (!profileId) throw new ApiError("forbidden", "Create a profile first.");
  return { tenant: host.tenant, profileId };
}

export function registerPayouts(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(routes.link, async (c) => {
    const { profileId } = creatorOf(c);
    const commerce = await commerceOf(c);
    const existing = await findPayoutAccount(commerce.db, profileId, commerce.provider.name);
    const { country } = c.req.valid("json");
    const linked = await commerce.provider.createPayoutAccount({
      profileId,
      country: existing?.country ?? country,
      ...(existing ? { existingAccountRef: existing.externalAccountId } : {}),
      returnUrl: `${brandOrigin(c)}/?payouts=linked`,
      idempotencyKey: `account:${profileId}`,
    });
    if (!existing) {
      await insertPayoutAccount(commerce.db, {
        id: newId("payoutAccount"),
        profileId,
        provider: commerce.provider.name,
        externalAccountId: linked.accountRef,
        kycStatus: "pending",
        country,
        createdAt: Date.now(),
      });
    }
    const account = await findPayoutAccount(commerce.db, profileId, commerce.provider.name);
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        accountId: account?.id ?? "",
        kycStatus: account?.kycStatus ?? "pending",
        payoutsEnabled: account?.payoutsEnabled ?? false,
        onboardingUrl: linked.onboardingUrl,
      },
      200,
    );
  });

  app.openapi(routes.request, async (c) => {
    const { tenant, profileId } = creatorOf(c);
    const commerce = await commerceOf(c);
    const body = c.req.valid("json");
    const row = await requestPayout(commerce, {
      profileId,
      tenantId: tenant.id,
      amount: body.amountCents,
      currency: body.currency ?? commerceRules(commerce.tenants, tenant.id).currency,
      origin: "manual",
    });
    return c.json(
      { id: row.id, amountCents: row.amountCents, currency: row.currency, status: row.status },
      202,
    );
  });
}
