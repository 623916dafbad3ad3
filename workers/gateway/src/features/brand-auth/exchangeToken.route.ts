import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { brandOf, keepBrandSession, refusal } from "./brand-http";
import { TokenExchangeRequest, tokensResponse } from "./brandAuth.schema";
import { exchangeForBrand } from "./brandAuth.service";

const route = defineRoute({
  method: "post",
  path: "/v1/auth/token/exchange",
  tags: ["Auth"],
  summary: "The seamless hop: another brand's access token becomes tokens for this brand (RFC 8693)",
  description:
    "Brand hosts only. The new tokens belong to the same sign-in session, so signing out ends both; a refresh token, when the session is live, is also set as this brand's `fun_session` cookie.",
  request: { body: { required: true, content: { "application/json": { schema: TokenExchangeRequest } } } },
  responses: { 200: tokensResponse },
});

export function registerExchangeToken(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const brand = brandOf(c);
    const exchanged = await exchangeForBrand(
      c.env,
      c.get("services").db,
      brand,
      c.req.valid("json").subjectToken,
    );
    if (!exchanged.ok) throw refusal(exchanged.error);
    keepBrandSession(c, exchanged.value);
    return c.json(exchanged.value, 200);
  });
}
