import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { hostIndex } from "../tenants/tenant-directory";
import { applyPaymentEvent } from "./apply-payment-event";
import type { Commerce } from "./commerce-context";
import { paymentProvider } from "./payment-provider";

const ReceivedSchema = z
  .object({
    received: z.literal(true),
    outcome: z.enum(["applied", "ignored", "duplicate", "deferred"]).openapi({
      description:
        "deferred: the event came before what it depends on (a refund before its payment) and is kept until that arrives.",
    }),
  })
  .openapi("PaymentWebhookReceived");

const route = defineRoute({
  method: "post",
  path: "/v1/webhooks/payments",
  tags: ["Commerce"],
  summary: "Receives the payment provider's events (Stripe's format and signature)",
  description:
    "The signature (`Stripe-Signature`) is checked on the raw body with a 300-second tolerance: a bad or stale one is a 400 and changes nothing. Each event id is applied once, in whatever order events arrive; an event that needs another first is kept and applied when that one comes.",
  responses: {
    200: { description: "Received.", content: { "application/json": { schema: ReceivedSchema } } },
    400: { description: "Bad or stale signature, or not an event." },
  },
});

/** The commerce services of a request: provider, ledger access, outbox, brand rules. */
export async function commerceOf(c: Context<GatewayEnv>): Promise<Commerce> {
  const { db, outbox } = c.get("services");
  return { db, env: c.env, provider: paymentProvider(c.env, db), outbox, tenants: await hostIndex(c.env) };
}

export function registerPaymentWebhook(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const raw = await c.req.text();
    const commerce = await commerceOf(c);
    const verified = await commerce.provider.verifyWebhook(raw, c.req.raw.headers);
    if (!verified.ok) {
      c.get("logFields").webhookRejected = verified.error;
      throw new ApiError("bad_request", "The webhook signature is missing, wrong or too old.");
    }
    const outcome = await applyPaymentEvent(commerce, verified.value);
    return c.json({ received: true as const, outcome }, 200);
  });
}
