import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { html } from "hono/html";
import type { GatewayEnv } from "../../context";
import { CSRF_FIELD } from "../oauth/csrf";
import { formBody, htmlResponse } from "../oauth/html-route";
import {
  afterResponse,
  csrfField,
  errorNotice,
  FORM_EXPIRED,
  messagePage,
  readSubmittedForm,
  requireAuthHost,
} from "./account-pages";
import { mailPasswordReset } from "./accounts.service";
import { isPlausibleEmail, MAX_EMAIL_LENGTH, normaliseEmail } from "./email-address";

const getRoute = defineRoute({
  method: "get",
  path: "/password/forgot",
  tags: ["Identity"],
  summary: "The forgotten-password form on the auth host",
  responses: { 200: htmlResponse("A form asking for the account's email.") },
});

const postRoute = defineRoute({
  method: "post",
  path: "/password/forgot",
  tags: ["Identity"],
  summary: "Mails a password-reset link (valid one hour) if the email has an account",
  description: "The answer is the same whether or not the email has an account.",
  request: {
    body: formBody({ email: "The account's email.", [CSRF_FIELD]: "The CSRF token from the form." }, [
      "email",
      CSRF_FIELD,
    ]),
  },
  responses: {
    200: htmlResponse("If the address has an account, a link is on its way."),
    400: htmlResponse("The form again: the email is not valid."),
    403: htmlResponse("The CSRF token is missing or wrong."),
    429: htmlResponse("Too many requests for this email: try again in a minute."),
  },
});

function forgotForm(c: Context<GatewayEnv>, page: { error?: string; status?: 200 | 400 | 403 } = {}) {
  const body = html`${errorNotice(page.error)}
<p>Enter the email of your account and we will send you a link to choose a new password.</p>
<form method="post" action="/password/forgot">
  ${csrfField(c)}
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" required maxlength="${MAX_EMAIL_LENGTH}">
  <button type="submit">Send the link</button>
</form>`;
  return messagePage(c, "Forgot your password?", body, page.status ?? 200);
}

export function registerForgotPassword(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(getRoute, (c) => {
    requireAuthHost(c);
    return forgotForm(c);
  });

  app.openapi(postRoute, async (c) => {
    requireAuthHost(c);
    const form = await readSubmittedForm(c);
    if (!form.ok) return forgotForm(c, { error: FORM_EXPIRED, status: 403 });
    const email = normaliseEmail(form.fields.email ?? "");
    if (!isPlausibleEmail(email))
      return forgotForm(c, { error: "Enter a valid email address.", status: 400 });
    if (!(await c.env.LOGIN_EMAIL_LIMIT.limit({ key: email })).success) {
      c.header("Retry-After", "60");
      return messagePage(
        c,
        "Too many requests",
        html`<p class="error" role="alert">Too many requests for this address. Try again in a minute.</p>`,
        429,
      );
    }
    afterResponse(c, "password reset mail", () => mailPasswordReset(c.env, c.get("services").db, email));
    return messagePage(
      c,
      "Check your email",
      html`<p class="notice" role="status">If ${email} has a FUN account, we sent it a link to choose a new password. The link works for one hour.</p>`,
    );
  });
}
