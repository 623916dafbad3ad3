import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { htmlResponse, redirectResponse } from "../oauth/html-route";
import { SandboxActions } from "./sandbox-actions";
import { SandboxStore } from "./sandbox-provider";

/**
 * The sandbox provider's pages on a local brand host (`PAYMENTS_PROVIDER=sandbox` only): the
 * checkout page a checkout URL opens, with "pay", then "refund", "dispute" (won / lost), "renew"
 * and "cancel"; a connected account's onboarding; a payout's bank answer. Each button sends the
 * provider's events to `/v1/webhooks/payments`, and the page shows what the webhook answered.
 */

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · payments sandbox</title>
<style>body{font:16px system-ui;max-width:36rem;margin:3rem auto;padding:0 1rem}form{display:inline}button{margin:.25rem;padding:.5rem 1rem}
.note{color:#666;font-size:.9rem}</style></head><body><h1>${escapeHtml(title)}</h1>${body}
<p class="note">Payments sandbox: no card, no network. Each button sends the provider's signed events to this brand's <code>/v1/webhooks/payments</code>.</p></body></html>`;
}

const button = (action: string, label: string) =>
  `<form method="post" action="${escapeHtml(action)}"><button type="submit">${escapeHtml(label)}</button></form>`;

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency}`;

function sandboxOf(c: Context<GatewayEnv>, app: OpenAPIHono<GatewayEnv>) {
  const host = c.get("host");
  // Only a local brand host with the sandbox configured: anywhere else these pages would mint money.
  if (c.env.PAYMENTS_PROVIDER !== "sandbox" || host.kind !== "tenant" || host.environment !== "local") {
    throw new ApiError("not_found", "There is no payments sandbox here.");
  }
  const store = new SandboxStore(c.get("services").db);
  const origin = new URL(c.req.url).origin;
  const actions = new SandboxActions(
    store,
    c.env.STRIPE_WEBHOOK_SECRET,
    (request) => app.fetch(request, c.env, c.executionCtx) as Promise<Response>,
    origin,
  );
  return { store, actions };
}

const Ref = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9A-Z]{26}$`));
const CHECKOUT_ACTIONS = [
  "pay",
  "refund",
  "dispute",
  "dispute-won",
  "dispute-lost",
  "renew",
  "cancel",
] as const;

const routes = {
  checkoutPage: defineRoute({
    method: "get",
    path: "/v1/sandbox/checkout/{sessionRef}",
    tags: ["Payments sandbox"],
    summary: "The sandbox provider's checkout page (local only)",
    request: { params: z.object({ sessionRef: Ref("cs_sbx_") }) },
    responses: { 200: htmlResponse("The checkout page.") },
  }),
  checkoutAction: defineRoute({
    method: "post",
    path: "/v1/sandbox/checkout/{sessionRef}/{action}",
    tags: ["Payments sandbox"],
    summary: "Pays, refunds, disputes, renews or cancels in the sandbox; sends the provider's events",
    request: { params: z.object({ sessionRef: Ref("cs_sbx_"), action: z.enum(CHECKOUT_ACTIONS) }) },
    responses: { 303: redirectResponse("Back to the checkout page, or to the success URL once paid.") },
  }),
  accountPage: defineRoute({
    method: "get",
    path: "/v1/sandbox/accounts/{accountRef}",
    tags: ["Payments sandbox"],
    summary: "The sandbox provider's onboarding page for a creator's payout account (local only)",
    request: { params: z.object({ accountRef: Ref("acct_sbx_") }) },
    responses: { 200: htmlResponse("The onboarding page.") },
  }),
  accountComplete: defineRoute({
    method: "post",
    path: "/v1/sandbox/accounts/{accountRef}/complete",
    tags: ["Payments sandbox"],
    summary: "Completes onboarding in the sandbox; sends account.updated",
    request: { params: z.object({ accountRef: Ref("acct_sbx_") }) },
    responses: { 303: redirectResponse("Back to the page the creator came from.") },
  }),
  payoutPage: defineRoute({
    method: "get",
    path: "/v1/sandbox/payouts/{payoutRef}",
    tags: ["Payments sandbox"],
    summary: "A payout in the sandbox, with the bank's answers (local only)",
    request: { params: z.object({ payoutRef: Ref("po_sbx_") }) },
    responses: { 200: htmlResponse("The payout page.") },
  }),
  payoutAction: defineRoute({
    method: "post",
    path: "/v1/sandbox/payouts/{payoutRef}/{outcome}",
    tags: ["Payments sandbox"],
    summary: "Pays or fails a payout in the sandbox; sends payout.paid or payout.failed",
    request: { params: z.object({ payoutRef: Ref("po_sbx_"), outcome: z.enum(["paid", "failed"]) }) },
    responses: { 303: redirectResponse("Back to the payout page.") },
  }),
};

export function registerSandbox(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(routes.checkoutPage, async (c) => {
    const { store } = sandboxOf(c, app);
    const ref = c.req.valid("param").sessionRef;
    const session = await store.get("session", ref);
    if (!session) throw new ApiError("not_found", "No such sandbox checkout.");
    const base = `/v1/sandbox/checkout/${ref}`;
    const price = money(session.amount, session.currency);
    const what =
      session.kind === "subscription"
        ? `${escapeHtml(session.description)}: ${price} every ${session.intervalMonths ?? 1} month(s)${session.trialDays ? `, ${session.trialDays} days free` : ""}`
        : `${escapeHtml(session.description)}: ${price}`;
    const actions =
      session.status === "open"
        ? button(`${base}/pay`, `Pay ${price}`)
        : [
            `<p>Paid.</p>`,
            button(`${base}/refund`, "Refund"),
            button(`${base}/dispute`, "Dispute"),
            button(`${base}/dispute-won`, "Dispute won"),
            button(`${base}/dispute-lost`, "Dispute lost"),
            ...(session.kind === "subscription"
              ? [button(`${base}/renew`, "Renew (next period)"), button(`${base}/cancel`, "Cancel")]
              : []),
          ].join("");
    return c.html(page("Checkout", `<p>${what}</p>${actions}`), 200);
  });

  app.openapi(routes.checkoutAction, async (c) => {
    const { store, actions } = sandboxOf(c, app);
    const { sessionRef, action } = c.req.valid("param");
    const session = await store.get("session", sessionRef);
    if (!session) throw new ApiError("not_found", "No such sandbox checkout.");
    // Refunds and disputes apply to the checkout's first payment.
    const latest = session.paymentRef;
    const subscriptionRef = session.subscriptionRef;
    switch (action) {
      case "pay":
        await actions.pay(sessionRef);
        return c.redirect(session.successUrl, 303);
      case "refund":
        if (latest) await actions.refund(latest);
        break;
      case "dispute":
        if (latest) await actions.dispute(latest);
        break;
      case "dispute-won":
      case "dispute-lost":
        if (latest) await actions.closeDispute(latest, action === "dispute-won");
        break;
      case "renew":
        if (subscriptionRef) await actions.renew(subscriptionRef);
        break;
      case "cancel":
        if (subscriptionRef) await actions.cancel(subscriptionRef);
        break;
    }
    return c.redirect(`/v1/sandbox/checkout/${sessionRef}`, 303);
  });

  app.openapi(routes.accountPage, async (c) => {
    const { store } = sandboxOf(c, app);
    const ref = c.req.valid("param").accountRef;
    const account = await store.get("account", ref);
    if (!account) throw new ApiError("not_found", "No such sandbox account.");
    const body = account.onboarded
      ? "<p>Onboarding complete: identity verified, bank account ending 6789.</p>"
      : `<p>Country ${escapeHtml(account.country)}. Identity and bank details would be collected here.</p>${button(`/v1/sandbox/accounts/${ref}/complete`, "Complete onboarding")}`;
    return c.html(page("Payout account", body), 200);
  });

  app.openapi(routes.accountComplete, async (c) => {
    const { store, actions } = sandboxOf(c, app);
    const ref = c.req.valid("param").accountRef;
    const account = await store.get("account", ref);
    if (!account) throw new ApiError("not_found", "No such sandbox account.");
    await actions.completeOnboarding(ref);
    return c.redirect(account.returnUrl, 303);
  });

  app.openapi(routes.payoutPage, async (c) => {
    const { store } = sandboxOf(c, app);
    const ref = c.req.valid("param").payoutRef;
    const payout = await store.get("payout", ref);
    if (!payout) throw new ApiError("not_found", "No such sandbox payout.");
    const base = `/v1/sandbox/payouts/${ref}`;
    const body =
      payout.status === "in_transit"
        ? `<p>${money(payout.amount, payout.currency)} in transit.</p>${button(`${base}/paid`, "Bank accepts")}${button(`${base}/failed`, "Bank returns it")}`
        : `<p>${money(payout.amount, payout.currency)}: ${payout.status}.</p>`;
    return c.html(page("Payout", body), 200);
  });

  app.openapi(routes.payoutAction, async (c) => {
    const { actions } = sandboxOf(c, app);
    const { payoutRef, outcome } = c.req.valid("param");
    await actions.settlePayout(payoutRef, outcome === "paid");
    return c.redirect(`/v1/sandbox/payouts/${payoutRef}`, 303);
  });
}
