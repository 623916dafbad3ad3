import type { Context } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { GatewayEnv } from "../../context";
import { authPageResponse, type PageTheme } from "./auth-page";
import { type AuthorizationRequest, formFields } from "./authorization-request";
import { CSRF_FIELD, csrfToken } from "./csrf";

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface LoginPage {
  theme: PageTheme;
  request: AuthorizationRequest;
  /** The generic failure to show, e.g. after a wrong password. */
  error?: string;
  /** What the user typed, so they need not type it again. */
  email?: string;
  /** Other ways to sign in (passkeys, upstream providers), each its own section. */
  alternatives?: Markup[];
  /** The script those alternatives need; the form itself needs none. */
  script?: string;
  status?: 200 | 400 | 403 | 429;
}

/**
 * The issuer's login page: a plain form that posts back to /authorize with the authorization
 * request in hidden fields and the CSRF token, so it works without JavaScript.
 */
export function loginPageResponse(c: Context<GatewayEnv>, page: LoginPage): Promise<Response> {
  const body = html`
${page.error ? html`<p class="error" role="alert">${page.error}</p>` : ""}
<form method="post" action="/authorize">
  <input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(c)}">
  ${formFields(page.request).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username webauthn" required value="${page.email ?? ""}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
${page.alternatives ?? []}
<p class="links"><a href="/signup">Create an account</a><a href="/password/forgot">Forgot your password?</a></p>`;
  return authPageResponse(
    c,
    {
      theme: page.theme,
      title: `Sign in to ${page.theme.name}`,
      body,
      ...(page.script ? { script: page.script } : {}),
    },
    page.status ?? 200,
  );
}
