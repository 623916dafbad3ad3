import { ApiError } from "@fun/http";
import type { Context } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { GatewayEnv } from "../../context";
import { authPageResponse, themeFor } from "../oauth/auth-page";
import { CSRF_FIELD, csrfToken, csrfValid } from "../oauth/csrf";

/** The account pages are the platform's own, not a brand's: they carry the platform theme. */
export const ACCOUNT_THEME = themeFor(undefined);

/** The account pages live on the auth host only; elsewhere they do not exist. */
export function requireAuthHost(c: Context<GatewayEnv>): void {
  if (c.get("host").kind !== "auth") throw new ApiError("not_found", "Account pages are on the auth host.");
}

/** A page that is only a message, e.g. "check your email" or "this link has expired". */
export function messagePage(
  c: Context<GatewayEnv>,
  title: string,
  body: HtmlEscapedString | Promise<HtmlEscapedString>,
  status: 200 | 400 | 403 | 429 = 200,
) {
  return authPageResponse(c, { theme: ACCOUNT_THEME, title, body }, status);
}

/** The hidden CSRF field for a form on this page (sets the CSRF cookie when the browser has none). */
export function csrfField(c: Context<GatewayEnv>) {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(c)}">`;
}

export function errorNotice(error: string | undefined) {
  return error ? html`<p class="error" role="alert">${error}</p>` : "";
}

export type FormFields = Record<string, string | undefined>;

export type SubmittedForm = { ok: true; fields: FormFields } | { ok: false };

/**
 * A posted form of the auth host, once its CSRF token is checked; `{ ok: false }` when the token is
 * missing or wrong (the caller answers 403 and writes nothing). Only form encodings are read.
 */
export async function readSubmittedForm(c: Context<GatewayEnv>): Promise<SubmittedForm> {
  const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") {
    throw new ApiError("unsupported_media_type", "Post the form as a form.");
  }
  const form = await c.req.formData();
  const fields: FormFields = {};
  for (const [name, value] of form) {
    if (typeof value === "string" && !(name in fields)) fields[name] = value;
  }
  if (!csrfValid(c, fields[CSRF_FIELD])) {
    c.get("logFields").accountsError = "csrf";
    return { ok: false };
  }
  return { ok: true, fields };
}

/** What the page says when a form's CSRF check fails. */
export const FORM_EXPIRED = "This form expired or did not come from this page. Please try again.";

/**
 * Runs work after the response is sent, so the response (and its timing) cannot depend on it, e.g.
 * on whether an email address has an account. A failure is logged with the request id.
 */
export function afterResponse(c: Context<GatewayEnv>, what: string, work: () => Promise<void>): void {
  const requestId = c.get("requestId");
  c.executionCtx.waitUntil(
    work().catch((error: unknown) => {
      console.error(
        JSON.stringify({
          level: "error",
          service: "gateway",
          requestId,
          message: `${what} failed`,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }),
  );
}
