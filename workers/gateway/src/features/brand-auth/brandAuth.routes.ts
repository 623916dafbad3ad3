import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { registerBrandToken } from "./brandToken.route";
import { registerExchangeToken } from "./exchangeToken.route";
import { registerOidcCallback } from "./oidcCallback.route";
import { registerStartSignIn } from "./startSignIn.route";

/** The brand side of sign-in, served on each brand's host: start, callback, token, exchange. */
export function registerBrandAuth(app: OpenAPIHono<GatewayEnv>) {
  registerStartSignIn(app);
  registerOidcCallback(app);
  registerBrandToken(app);
  registerExchangeToken(app);
}
