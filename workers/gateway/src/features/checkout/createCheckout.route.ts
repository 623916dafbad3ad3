import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requirePermission } from "../../middleware/authenticate";
import { brandOrigin } from "../payments/brand-origin";
import { commerceRules } from "../payments/commerce-context";
import { paymentProvider } from "../payments/payment-provider";
import { hostIndex } from "../tenants/tenant-directory";
import { CheckoutSchema, NewCheckoutSchema } from "./checkout.schema";
import { openCheckout } from "./checkout.service";

const route = defineRoute({
  method: "post",
  path: "/v1/checkout/session",
  tags: ["Commerce"],
  summary: "Opens a checkout for a subscription, a pay-per-view post or a tip (with a message)",
  description:
    "Answers the provider's checkout URL; card details are entered there, never here. Refused for a creator who blocked the caller (or whom the caller blocked), for one's own content, and for a post already bought or a plan already subscribed to.",
  security: [{ bearerAuth: [] }],
  middleware: [requirePermission("purchases:create")] as const,
  request: { body: { required: true, content: { "application/json": { schema: NewCheckoutSchema } } } },
  responses: {
    201: { description: "The checkout.", content: { "application/json": { schema: CheckoutSchema } } },
  },
});

export function registerCreateCheckout(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const host = c.get("host");
    if (host.kind !== "tenant") throw new ApiError("not_found", "Checkouts start on a brand's host.");
    const fanProfileId = c.get("auth").principal?.profileId;
    if (!fanProfileId) throw new ApiError("forbidden", "Create a profile before buying.");
    const db = c.get("services").db;
    const checkout = await openCheckout(
      db,
      paymentProvider(c.env, db),
      {
        fanProfileId,
        tenant: host.tenant,
        currency: commerceRules(await hostIndex(c.env), host.tenant.id).currency,
        origin: brandOrigin(c),
      },
      c.req.valid("json"),
    );
    c.header("Cache-Control", "no-store");
    return c.json(checkout, 201);
  });
}
