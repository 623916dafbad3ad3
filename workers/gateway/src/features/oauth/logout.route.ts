import { verifyIdTokenHint } from "@fun/auth";
import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { html } from "hono/html";
import type { GatewayEnv } from "../../context";
import { issuerJwks } from "../identity/issuer-keys";
import { hostIndex } from "../tenants/tenant-directory";
import { authPageResponse, themeFor } from "./auth-page";
import { CSRF_FIELD, csrfToken, csrfValid } from "./csrf";
import { formBody, htmlResponse, redirectResponse } from "./html-route";
import { clearIssuerSession, currentIssuerSession } from "./issuer-session";
import { findClient } from "./oauth.repo";
import { sessionStoreFor } from "./token.service";

const PARAMETERS = ["id_token_hint", "client_id", "post_logout_redirect_uri", "state"] as const;
type LogoutParameters = Partial<Record<(typeof PARAMETERS)[number], string>>;

const description =
  "OpenID Connect RP-Initiated Logout: `id_token_hint`, `client_id`, `post_logout_redirect_uri` (exact match to one registered for the client) and `state`. Ends the sign-in session, and with it every brand's refresh tokens from it. Without a valid `id_token_hint` the user confirms on a page first.";

const getRoute = defineRoute({
  method: "get",
  path: "/logout",
  tags: ["Identity"],
  summary: "End-session endpoint on the auth host: signs out of every brand",
  description,
  responses: {
    200: htmlResponse("Signed out, or a page asking to confirm."),
    302: redirectResponse("Signed out: back to the registered post-logout URI, with the state."),
  },
});

const postRoute = defineRoute({
  method: "post",
  path: "/logout",
  tags: ["Identity"],
  summary: "The logout confirmation form's post (or a client's logout request as a form)",
  description,
  request: {
    body: formBody(
      {
        [CSRF_FIELD]: "The confirmation page's CSRF token (when confirming).",
        id_token_hint: "The ID token the client holds.",
        post_logout_redirect_uri: "Where to go afterwards.",
        state: "Echoed back.",
      },
      [],
    ),
  },
  responses: {
    200: htmlResponse("Signed out."),
    302: redirectResponse("Signed out: back to the registered post-logout URI."),
    400: htmlResponse("The request is not valid."),
    403: htmlResponse("The CSRF token is missing or wrong."),
  },
});

function pick(entries: Iterable<[string, File | string]>): LogoutParameters {
  const params: LogoutParameters = {};
  for (const [name, value] of entries) {
    if ((PARAMETERS as readonly string[]).includes(name) && typeof value === "string") {
      params[name as keyof LogoutParameters] = value;
    }
  }
  return params;
}

/**
 * Signs out. A valid `id_token_hint` names the session to end, so a client can sign its user out
 * without a page in between; a logout request without one could come from anywhere, so the user
 * confirms it with a form (CSRF-protected) first.
 */
async function logout(c: Context<GatewayEnv>, params: LogoutParameters, confirmed: boolean) {
  const db = c.get("services").db;
  const hint = params.id_token_hint
    ? await verifyIdTokenHint(params.id_token_hint, {
        jwks: await issuerJwks(c.env),
        issuer: c.env.AUTH_ISSUER,
      })
    : undefined;
  const clientId = hint?.clientId ?? params.client_id;
  if (hint && params.client_id && params.client_id !== hint.clientId) {
    return authPageResponse(
      c,
      {
        theme: themeFor(undefined),
        title: "Sign-out link not valid",
        body: html`<p class="error">client_id does not match the id_token_hint.</p>`,
      },
      400,
    );
  }
  const client = clientId ? await findClient(db, clientId) : undefined;
  const theme = themeFor(client ? (await hostIndex(c.env)).tenant(client.tenantId) : undefined);
  // Only a registered URI, matched exactly, and only for a client we know: never an open redirect.
  const redirect =
    client &&
    params.post_logout_redirect_uri &&
    client.postLogoutRedirectUris.includes(params.post_logout_redirect_uri)
      ? params.post_logout_redirect_uri
      : undefined;

  const browser = await currentIssuerSession(c);
  if (!hint && !confirmed) {
    if (!browser) return signedOutPage(c, theme, redirect, params.state);
    return authPageResponse(c, {
      theme,
      title: "Sign out everywhere?",
      body: html`<p>You are signed in to every FUN brand with this browser. Signing out ends that everywhere.</p>
<form method="post" action="/logout">
  <input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(c)}">
  ${Object.entries(params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <button type="submit">Sign out</button>
</form>`,
    });
  }

  const ended: string[] = [];
  if (hint?.sessionId) {
    await sessionStoreFor(c.env, hint.subject).revokeSession(hint.sessionId);
    ended.push(hint.sessionId);
  }
  // The browser's own session, when it is the one the hint names or there is no hint.
  if (browser && (!hint || hint.subject === browser.accountId)) {
    if (!ended.includes(browser.session.id)) {
      await sessionStoreFor(c.env, browser.accountId).revokeSession(browser.session.id);
      ended.push(browser.session.id);
    }
  }
  clearIssuerSession(c);
  c.get("logFields").sessionsEnded = ended.length;
  return signedOutPage(c, theme, redirect, params.state);
}

function signedOutPage(
  c: Context<GatewayEnv>,
  theme: ReturnType<typeof themeFor>,
  redirect: string | undefined,
  state: string | undefined,
) {
  c.header("Cache-Control", "no-store");
  if (redirect) {
    const url = new URL(redirect);
    if (state !== undefined) url.searchParams.set("state", state);
    return c.redirect(url.toString(), 302);
  }
  return authPageResponse(c, {
    theme,
    title: "You are signed out",
    body: html`<p class="notice">You are signed out of every FUN brand on this browser.</p>`,
  });
}

export function registerLogout(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(getRoute, (c) => {
    if (c.get("host").kind !== "auth") throw new ApiError("not_found", "Logout is on the auth host.");
    return logout(c, pick(new URL(c.req.url).searchParams), false);
  });
  app.openapi(postRoute, async (c) => {
    if (c.get("host").kind !== "auth") throw new ApiError("not_found", "Logout is on the auth host.");
    const form = await c.req.formData();
    const confirming = form.has(CSRF_FIELD);
    if (confirming && !csrfValid(c, form.get(CSRF_FIELD))) {
      return authPageResponse(
        c,
        {
          theme: themeFor(undefined),
          title: "Sign-out form expired",
          body: html`<p class="error">Please try again.</p>`,
        },
        403,
      );
    }
    return logout(c, pick(form.entries()), confirming);
  });
}
