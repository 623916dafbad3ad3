import { ApiError } from "@fun/http";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { COOKIES, writeCookie } from "../oauth/cookies";
import { REFRESH_TOKEN_LIFETIME_SECONDS, type TokenResponse } from "../oauth/token.service";
import type { BrandAuthFailure, BrandHost } from "./brandAuth.service";

/** The brand of a tenant-host request; sign-in to a brand is not served on the auth host (404). */
export function brandOf(c: Context<GatewayEnv>): BrandHost {
  const host = c.get("host");
  if (host.kind !== "tenant") throw new ApiError("not_found", "This host does not serve a brand.");
  return { tenant: host.tenant, environment: host.environment };
}

/** Keeps the brand's web session: the refresh token as the HttpOnly `fun_session` cookie. */
export function keepBrandSession(c: Context<GatewayEnv>, tokens: TokenResponse): void {
  if (tokens.refresh_token) {
    writeCookie(c, COOKIES.brandSession, tokens.refresh_token, {
      maxAgeSeconds: REFRESH_TOKEN_LIFETIME_SECONDS,
    });
  }
  c.header("Cache-Control", "no-store");
}

export function refusal(failure: BrandAuthFailure): ApiError {
  return new ApiError(failure.code, failure.detail);
}
