import { hashPassword } from "@fun/core/password";
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
import { registerOrNotify } from "./accounts.service";
import { isPlausibleEmail, MAX_EMAIL_LENGTH, normaliseEmail } from "./email-address";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordPolicyViolation } from "./password-policy";

const getRoute = defineRoute({
  method: "get",
  path: "/signup",
  tags: ["Identity"],
  summary: "The sign-up form on the auth host: email and password",
  responses: { 200: htmlResponse("The sign-up form.") },
});

const postRoute = defineRoute({
  method: "post",
  path: "/signup",
  tags: ["Identity"],
  summary: "The sign-up form's post: creates a pending account and mails a verification link",
  description:
    "The answer is the same whether or not the email already has an account; its owner gets a note instead of a link. The password needs 10 to 256 characters.",
  request: {
    body: formBody(
      {
        email: "The email to register.",
        password: "The new account's password (10–256 characters).",
        [CSRF_FIELD]: "The CSRF token from the sign-up form.",
      },
      ["email", "password", CSRF_FIELD],
    ),
  },
  responses: {
    200: htmlResponse("Check your email."),
    400: htmlResponse("The form again, saying what to fix."),
    403: htmlResponse("The CSRF token is missing or wrong."),
    429: htmlResponse("Too many attempts for this email: try again in a minute."),
  },
});

function signUpForm(
  c: Context<GatewayEnv>,
  page: { error?: string; email?: string; status?: 200 | 400 | 403 } = {},
) {
  const body = html`${errorNotice(page.error)}
<form method="post" action="/signup">
  ${csrfField(c)}
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" required maxlength="${MAX_EMAIL_LENGTH}" value="${page.email ?? ""}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}">
  <button type="submit">Create account</button>
</form>
<p class="links"><a href="/password/forgot">Forgot your password?</a></p>`;
  return messagePage(c, "Create your FUN account", body, page.status ?? 200);
}

export function registerSignUp(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(getRoute, (c) => {
    requireAuthHost(c);
    return signUpForm(c);
  });

  app.openapi(postRoute, async (c) => {
    requireAuthHost(c);
    const form = await readSubmittedForm(c);
    if (!form.ok) return signUpForm(c, { error: FORM_EXPIRED, status: 403 });
    const email = normaliseEmail(form.fields.email ?? "");
    const password = form.fields.password ?? "";
    if (!isPlausibleEmail(email)) {
      return signUpForm(c, {
        error: "Enter a valid email address.",
        email: email.slice(0, 254),
        status: 400,
      });
    }
    const weak = passwordPolicyViolation(password);
    if (weak) return signUpForm(c, { error: weak, email, status: 400 });
    // Limits the mail one address can be sent, whoever asks.
    if (!(await c.env.LOGIN_EMAIL_LIMIT.limit({ key: email })).success) {
      c.header("Retry-After", "60");
      return messagePage(
        c,
        "Too many attempts",
        html`<p class="error" role="alert">Too many attempts for this address. Try again in a minute.</p>`,
        429,
      );
    }
    // Hashed whether or not the address is taken, so the answer takes as long either way.
    const passwordHash = await hashPassword(password);
    afterResponse(c, "sign-up", () => registerOrNotify(c.env, c.get("services").db, { email, passwordHash }));
    return messagePage(
      c,
      "Check your email",
      html`<p class="notice" role="status">We sent a message to ${email}. Follow the link in it to activate your account.</p>
<p>Nothing there? Check your spam folder, or <a href="/signup">try again</a>.</p>`,
    );
  });
}
