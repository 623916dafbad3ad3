import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { html } from "hono/html";
import type { GatewayEnv } from "../../context";
import { CSRF_FIELD } from "../oauth/csrf";
import { formBody, htmlResponse } from "../oauth/html-route";
import {
  csrfField,
  errorNotice,
  FORM_EXPIRED,
  messagePage,
  readSubmittedForm,
  requireAuthHost,
} from "./account-pages";
import { passwordResetUsable, resetPassword } from "./accounts.service";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordPolicyViolation } from "./password-policy";

const getRoute = defineRoute({
  method: "get",
  path: "/password/reset",
  tags: ["Identity"],
  summary: "The link mailed for a forgotten password: a form for the new one",
  description: "Query: `token`, from the mail. Showing the form does not use the link up.",
  responses: {
    200: htmlResponse("The new-password form."),
    400: htmlResponse("The link is unknown, used or expired."),
  },
});

const postRoute = defineRoute({
  method: "post",
  path: "/password/reset",
  tags: ["Identity"],
  summary: "Sets the new password, uses the link up and signs the account out everywhere",
  request: {
    body: formBody(
      {
        token: "The token from the mailed link.",
        password: "The new password (10–256 characters).",
        [CSRF_FIELD]: "The CSRF token from the form.",
      },
      ["token", "password", CSRF_FIELD],
    ),
  },
  responses: {
    200: htmlResponse("The password is changed."),
    400: htmlResponse("The form again saying what to fix, or the link is unknown, used or expired."),
    403: htmlResponse("The CSRF token is missing or wrong."),
  },
});

function resetForm(
  c: Context<GatewayEnv>,
  token: string,
  page: { error?: string; status?: 200 | 400 | 403 } = {},
) {
  const body = html`${errorNotice(page.error)}
<form method="post" action="/password/reset">
  ${csrfField(c)}
  <input type="hidden" name="token" value="${token}">
  <label for="password">New password</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}">
  <button type="submit">Change password</button>
</form>`;
  return messagePage(c, "Choose a new password", body, page.status ?? 200);
}

function linkNotUsable(c: Context<GatewayEnv>) {
  c.get("logFields").accountsError = "reset_link_invalid";
  return messagePage(
    c,
    "This link does not work",
    html`<p class="error" role="alert">This password-reset link is invalid, was already used or has expired.</p>
<p><a href="/password/forgot">Ask for a new one</a>.</p>`,
    400,
  );
}

export function registerResetPassword(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(getRoute, async (c) => {
    requireAuthHost(c);
    const token = c.req.query("token") ?? "";
    if (!token || !(await passwordResetUsable(c.get("services").db, token))) return linkNotUsable(c);
    return resetForm(c, token);
  });

  app.openapi(postRoute, async (c) => {
    requireAuthHost(c);
    const form = await readSubmittedForm(c);
    if (!form.ok) {
      return messagePage(
        c,
        "Choose a new password",
        html`${errorNotice(FORM_EXPIRED)}<p>Open the link in your email again.</p>`,
        403,
      );
    }
    const token = form.fields.token ?? "";
    const password = form.fields.password ?? "";
    const weak = passwordPolicyViolation(password);
    if (!token) return linkNotUsable(c);
    if (weak) return resetForm(c, token, { error: weak, status: 400 });
    const result = await resetPassword(c.env, c.get("services").db, { token, password });
    if (!result.ok) return linkNotUsable(c);
    c.get("logFields").account = result.value;
    return messagePage(
      c,
      "Your password is changed",
      html`<p class="notice" role="status">Your new password works from now on. Every device signed in to your account has been signed out.</p>`,
    );
  });
}
