import { toBase64Url } from "@fun/core";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { COOKIES, readCookie, writeCookie } from "./cookies";

/** The hidden field every form on the auth host carries. */
export const CSRF_FIELD = "csrf_token";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The CSRF token for this browser's forms (double-submit): a random value in a SameSite=Strict
 * cookie, repeated in a hidden field. Another site can make the browser post a form, but it can
 * neither read nor set this cookie, so it cannot put the matching value in the field.
 */
export function csrfToken(c: Context<GatewayEnv>): string {
  const existing = readCookie(c, COOKIES.csrf);
  if (existing && TOKEN.test(existing)) return existing;
  const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  writeCookie(c, COOKIES.csrf, token, { maxAgeSeconds: 2 * 60 * 60, sameSite: "Strict" });
  return token;
}

/**
 * Whether a form post carries this browser's CSRF token and, when the browser says where it came
 * from, came from the auth host itself.
 */
export function csrfValid(c: Context<GatewayEnv>, submitted: unknown): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== "null" && origin !== new URL(c.env.AUTH_ISSUER).origin) {
    return false;
  }
  const cookie = readCookie(c, COOKIES.csrf);
  if (!cookie || typeof submitted !== "string" || submitted.length !== cookie.length) return false;
  let difference = 0;
  for (let i = 0; i < cookie.length; i++) difference |= cookie.charCodeAt(i) ^ submitted.charCodeAt(i);
  return difference === 0;
}
