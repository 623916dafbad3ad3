import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import type { GatewayEnv } from "../../context";

/**
 * The platform's cookies, all HttpOnly. `Secure` follows the issuer's scheme, so they work on
 * `http://*.localhost` under `wrangler dev` and are Secure everywhere in production.
 */
export const COOKIES = {
  /** Auth host: the browser's sign-in on the issuer (`<account>.<secret>`), the basis of SSO. */
  issuerSession: "fun_sso",
  /** Auth host: the double-submit CSRF token of its forms. */
  csrf: "fun_csrf",
  /** Brand host: the brand's web session (the refresh token of the brand's family). */
  brandSession: "fun_session",
  /** Brand host: binds a sign-in in flight to the browser that started it. */
  brandSignIn: "fun_oidc",
  /** Auth host: binds a sign-in through an upstream provider to the browser that started it. */
  upstreamSignIn: "fun_upstream",
} as const;

export type CookieName = (typeof COOKIES)[keyof typeof COOKIES];

function secure(c: Context<GatewayEnv>): boolean {
  return new URL(c.env.AUTH_ISSUER).protocol === "https:";
}

export function readCookie(c: Context<GatewayEnv>, name: CookieName): string | undefined {
  return getCookie(c, name);
}

export function writeCookie(
  c: Context<GatewayEnv>,
  name: CookieName,
  value: string,
  options: { maxAgeSeconds: number; sameSite?: CookieOptions["sameSite"] },
): void {
  setCookie(c, name, value, {
    httpOnly: true,
    secure: secure(c),
    sameSite: options.sameSite ?? "Lax",
    path: "/",
    maxAge: options.maxAgeSeconds,
  });
}

export function clearCookie(c: Context<GatewayEnv>, name: CookieName): void {
  deleteCookie(c, name, { path: "/", secure: secure(c), httpOnly: true });
}
