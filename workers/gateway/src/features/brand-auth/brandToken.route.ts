import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { COOKIES, readCookie } from "../oauth/cookies";
import { brandOf, keepBrandSession, refusal } from "./brand-http";
import { TokenRequest, tokensResponse } from "./brandAuth.schema";
import { redeemBrandCode, refreshBrandTokens } from "./brandAuth.service";

const route = defineRoute({
  method: "post",
  path: "/v1/auth/token",
  tags: ["Auth"],
  summary: "Tokens for this brand: a refresh (body or session cookie), or a native app's code with PKCE",
  description:
    "Brand hosts only; the client is the brand's own web client. `refresh_token` without `refreshToken` uses the `fun_session` cookie and writes the rotated token back to it. A refused grant is a 400 `invalid_grant` problem.",
  request: { body: { required: true, content: { "application/json": { schema: TokenRequest } } } },
  responses: { 200: tokensResponse },
});

export function registerBrandToken(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const brand = brandOf(c);
    const db = c.get("services").db;
    const body = c.req.valid("json");
    let granted: Awaited<ReturnType<typeof refreshBrandTokens>>;
    if (body.grant_type === "refresh_token") {
      const presented = body.refreshToken ?? readCookie(c, COOKIES.brandSession);
      if (!presented) throw new ApiError("unauthenticated", "Send a refresh token, or sign in first.");
      granted = await refreshBrandTokens(c.env, db, brand, presented);
    } else {
      granted = await redeemBrandCode(c.env, db, brand, body);
    }
    if (!granted.ok) throw refusal(granted.error);
    keepBrandSession(c, granted.value);
    return c.json(granted.value, 200);
  });
}
