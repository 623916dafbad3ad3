import { ApiError, defineRoute, PROBLEM_CONTENT_TYPE, ProblemSchema } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { COOKIES, clearCookie, readCookie } from "../oauth/cookies";
import { redirectResponse } from "../oauth/html-route";
import { brandOf, keepBrandSession, refusal } from "./brand-http";
import { CallbackParams, tokensResponse } from "./brandAuth.schema";
import { type FinishedBrandSignIn, finishBrandSignIn } from "./brandAuth.service";

const REFUSED =
  "Brand hosts only. A state that is unknown, expired, already used, another brand's, or not started in this browser (the `fun_oidc` cookie), or an `iss` that is not the platform's issuer, is refused with 400 and uses nothing up.";

const getRoute = defineRoute({
  method: "get",
  path: "/v1/auth/oidc/callback",
  tags: ["Auth"],
  summary: "The brand's registered redirect URI: finishes a browser sign-in and returns to where it started",
  description: REFUSED,
  request: { query: CallbackParams },
  responses: {
    303: redirectResponse(
      "Signed in (the fun_session cookie is set), or back to the page with signin=ERROR when the issuer said no.",
    ),
  },
});

const postRoute = defineRoute({
  method: "post",
  path: "/v1/auth/oidc/callback",
  tags: ["Auth"],
  summary: "Finishes a sign-in from a script that received the redirect: answers the tokens as JSON",
  description: REFUSED,
  request: {
    body: { required: true, content: { "application/json": { schema: CallbackParams.strict() } } },
  },
  responses: {
    200: tokensResponse,
    401: {
      description: "The issuer said no (e.g. login_required after prompt=none); the sign-in is used up.",
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    },
  },
});

async function finish(
  c: Context<GatewayEnv>,
  answer: { state: string; code?: string | undefined; iss?: string | undefined; error?: string | undefined },
): Promise<FinishedBrandSignIn> {
  const finished = await finishBrandSignIn(
    c.env,
    c.get("services").db,
    brandOf(c),
    answer,
    readCookie(c, COOKIES.brandSignIn),
  );
  if (!finished.ok) throw refusal(finished.error);
  clearCookie(c, COOKIES.brandSignIn);
  if (finished.value.outcome === "signed_in") {
    c.get("logFields").account = finished.value.accountId;
    keepBrandSession(c, finished.value.tokens);
  }
  return finished.value;
}

export function registerOidcCallback(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(getRoute, async (c) => {
    const finished = await finish(c, c.req.valid("query"));
    const back = new URL(finished.returnTo, "http://brand.invalid");
    if (finished.outcome === "declined") back.searchParams.set("signin", finished.error);
    c.header("Cache-Control", "no-store");
    return c.redirect(`${back.pathname}${back.search}${back.hash}`, 303);
  });

  app.openapi(postRoute, async (c) => {
    const finished = await finish(c, c.req.valid("json"));
    if (finished.outcome === "declined") {
      throw new ApiError(
        "unauthenticated",
        `The issuer answered ${finished.error}: nobody is signed in there.`,
      );
    }
    return c.json(finished.tokens, 200);
  });
}
