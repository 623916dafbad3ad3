import { defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { COOKIES, writeCookie } from "../oauth/cookies";
import { brandOf } from "./brand-http";
import { StartedSignIn, StartSignInBody } from "./brandAuth.schema";
import { SIGN_IN_TTL_SECONDS, startBrandSignIn } from "./brandAuth.service";

const route = defineRoute({
  method: "post",
  path: "/v1/auth/oidc/start",
  tags: ["Auth"],
  summary: "Starts signing in to this brand through the platform's issuer (code flow with PKCE)",
  description:
    "Brand hosts only. Answers the issuer URL to send the browser to, top-level. `prompt: none` is the silent hop from another brand: signed in on the issuer, the browser comes straight back with a code; otherwise the callback gets `login_required`. Sets the HttpOnly `fun_oidc` cookie that binds the sign-in to this browser for 10 minutes.",
  request: {
    body: { required: false, content: { "application/json": { schema: StartSignInBody } } },
  },
  responses: {
    200: {
      description: "Where to send the browser.",
      content: { "application/json": { schema: StartedSignIn } },
    },
  },
});

export function registerStartSignIn(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const brand = brandOf(c);
    const body = c.req.valid("json") ?? {};
    const started = await startBrandSignIn(c.env, c.get("services").db, brand, body);
    writeCookie(c, COOKIES.brandSignIn, started.binding, { maxAgeSeconds: SIGN_IN_TTL_SECONDS });
    c.header("Cache-Control", "no-store");
    return c.json(
      { authorizationUrl: started.authorizationUrl, state: started.state, expiresIn: SIGN_IN_TTL_SECONDS },
      200,
    );
  });
}
