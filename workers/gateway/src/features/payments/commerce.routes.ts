import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { registerCreateCheckout } from "../checkout/createCheckout.route";
import { registerGetEarnings } from "../earnings/getEarnings.route";
import { registerPayouts } from "../payouts/payouts.routes";
import { registerPlans } from "../plans/plans.routes";
import { registerPaymentWebhook } from "./paymentWebhook.route";
import { registerSandbox } from "./sandbox.routes";

/** Commerce: plans and promotions, checkout, the payment webhook, payouts, earnings, the local sandbox. */
export function registerCommerce(app: OpenAPIHono<GatewayEnv>) {
  registerPlans(app);
  registerCreateCheckout(app);
  registerPaymentWebhook(app);
  registerPayouts(app);
  registerGetEarnings(app);
  registerSandbox(app);
}
