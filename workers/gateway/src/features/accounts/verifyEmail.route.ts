import { listTenants } from "@fun/db";
import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { html } from "hono/html";
import type { GatewayEnv } from "../../context";
import { requestHost } from "../../middleware/resolve-host";
import { htmlResponse } from "../oauth/html-route";
import { publicUrls } from "../tenants/public-urls";
import { messagePage, requireAuthHost } from "./account-pages";
import { verifyEmail } from "./accounts.service";

const route = defineRoute({
  method: "get",
  path: "/verify-email",
  tags: ["Identity"],
  summary: "The link mailed at sign-up: confirms the email and activates the account",
  description: "Query: `token`, from the mail. Each link works once, for 24 hours.",
  responses: {
    200: htmlResponse("The email is confirmed; the account is active."),
    400: htmlResponse("The link is unknown, used or expired."),
  },
});

/**
 * Where to continue: every brand's web app. The auth host serves all brands and does not know which
 * one the person came from; its environment follows the issuer's scheme, as its cookies do.
 */
async function brandLinks(c: Context<GatewayEnv>) {
  const issuer = new URL(c.env.AUTH_ISSUER);
  const environment = issuer.protocol === "https:" ? "production" : "local";
  const request = { url: c.req.url, host: requestHost(c.req.raw) };
  const tenants = await listTenants(c.get("services").db);
  return tenants.map((tenant) => {
    const web = publicUrls(tenant, environment, request, issuer.host, c.env.LOCAL_PUBLIC_PORT).web;
    return html`<li><a href="${web}/">Continue to ${tenant.name}</a></li>`;
  });
}

export function registerVerifyEmail(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    requireAuthHost(c);
    const token = c.req.query("token") ?? "";
    const result = token ? await verifyEmail(c.get("services").db, token) : undefined;
    if (!result?.ok) {
      c.get("logFields").accountsError = "verify_link_invalid";
      return messagePage(
        c,
        "This link does not work",
        html`<p class="error" role="alert">This confirmation link is invalid, was already used or has expired.</p>
<p><a href="/signup">Sign up again</a> to get a new one.</p>`,
        400,
      );
    }
    c.get("logFields").account = result.value;
    return messagePage(
      c,
      "Your email is confirmed",
      html`<p class="notice" role="status">Your account is active.</p>
<p>Sign in with your email and password on any of our brands:</p>
<ul>${await brandLinks(c)}</ul>`,
    );
  });
}
