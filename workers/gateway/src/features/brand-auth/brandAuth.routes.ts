import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createLocalJWKSet, jwtVerify } from "jose";
import type { GatewayEnv } from "../../context";
import { issuerJwks } from "../identity/issuer-keys";
import { COOKIES, clearCookie, readCookie, writeCookie } from "../oauth/cookies";
import { redirectResponse } from "../oauth/html-route";
import { OAuthError } from "../oauth/oauth-errors";
import {
  ACCESS_TOKEN_TYPE,
  authorizationCodeGrant,
  exchangeGrant,
  REFRESH_TOKEN_LIFETIME_SECONDS,
  refreshGrant,
  type TokenResponse,
} from "../oauth/token.service";
import {
  brandClient,
  brandOf,
  consumeBrandSignIn,
  type PendingSignIn,
  SIGN_IN_TTL_SECONDS,
  safeReturnTo,
  startBrandSignIn,
} from "./brand-sign-in";

const TokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    scope: z.string(),
    refresh_token: z.string().optional(),
    id_token: z.string().optional(),
    issued_token_type: z.string().optional(),
  })
  .openapi("BrandTokenResponse");

const tokens = {
  description:
    "Tokens for this brand (RFC 6749 §5.1 shape). The refresh token is also set as the brand's HttpOnly fun_session cookie for its web pages.",
  content: { "application/json": { schema: TokenResponseSchema } },
};

const startRoute = defineRoute({
  method: "post",
  path: "/v1/auth/oidc/start",
  tags: ["Auth"],
  summary: "Starts signing in to this brand through the platform's issuer (code flow with PKCE)",
  description:
    "Answers the issuer URL to send the browser to, top-level. `prompt: none` is the silent hop from another brand: signed in on the issuer, the browser comes straight back with a code; otherwise the callback gets `login_required`. Sets the `fun_oidc` cookie that binds the sign-in to this browser.",
  request: {
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z
            .object({
              prompt: z.enum(["none", "login"]).optional(),
              returnTo: z
                .string()
                .max(2048)
                .optional()
                .openapi({ description: "A path on this brand.", example: "/feed" }),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    200: {
      description: "Where to send the browser.",
      content: {
        "application/json": {
          schema: z
            .object({ authorizationUrl: z.string(), state: z.string(), expiresIn: z.number().int() })
            .openapi("BrandSignInStart"),
        },
      },
    },
  },
});

const CallbackQuery = z.object({
  code: z.string().max(512).optional(),
  state: z.string().min(1).max(512),
  iss: z.string().max(512).optional(),
  error: z.string().max(128).optional(),
  error_description: z.string().max(1024).optional(),
});

const callbackGetRoute = defineRoute({
  method: "get",
  path: "/v1/auth/oidc/callback",
  tags: ["Auth"],
  summary:
    "The brand's registered redirect URI: finishes a browser sign-in and returns to the page it started on",
  request: { query: CallbackQuery },
  responses: {
    303: redirectResponse(
      "Signed in (the fun_session cookie is set), or back with signin=<error> when the issuer said no.",
    ),
  },
});

const callbackPostRoute = defineRoute({
  method: "post",
  path: "/v1/auth/oidc/callback",
  tags: ["Auth"],
  summary: "Finishes a sign-in from a script that received the redirect: answers the tokens as JSON",
  request: { body: { required: true, content: { "application/json": { schema: CallbackQuery.strict() } } } },
  responses: { 200: tokens },
});

const tokenRoute = defineRoute({
  method: "post",
  path: "/v1/auth/token",
  tags: ["Auth"],
  summary:
    "Tokens for this brand: refresh (from the body or the session cookie) or an authorization code with PKCE",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .discriminatedUnion("grant_type", [
              z
                .object({
                  grant_type: z.literal("refresh_token"),
                  refreshToken: z.string().min(1).max(512).optional(),
                })
                .strict(),
              z
                .object({
                  grant_type: z.literal("authorization_code"),
                  code: z.string().min(1).max(512),
                  codeVerifier: z.string().min(43).max(128),
                  redirectUri: z.string().min(1).max(2048),
                })
                .strict(),
            ])
            .openapi("BrandTokenRequest"),
        },
      },
    },
  },
  responses: { 200: tokens },
});

const exchangeRoute = defineRoute({
  method: "post",
  path: "/v1/auth/token/exchange",
  tags: ["Auth"],
  summary: "The seamless hop: an access token of another brand becomes one for this brand (RFC 8693)",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ subjectToken: z.string().min(1).max(4096) })
            .strict()
            .openapi("BrandTokenExchange"),
        },
      },
    },
  },
  responses: { 200: tokens },
});

/** The issuer's OAuth errors, as this API's problems. */
async function grant(run: () => Promise<TokenResponse>): Promise<TokenResponse> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OAuthError) throw new ApiError("invalid_grant", error.description);
    throw error;
  }
}

function keepSession(c: Context<GatewayEnv>, response: TokenResponse): void {
  if (response.refresh_token) {
    writeCookie(c, COOKIES.brandSession, response.refresh_token, {
      maxAgeSeconds: REFRESH_TOKEN_LIFETIME_SECONDS,
    });
  }
  c.header("Cache-Control", "no-store");
}

/**
 * Redeems the code of a finished sign-in and checks the ID token the issuer sent with it: our
 * issuer's signature, for this brand's client, with the nonce this sign-in was started with.
 */
async function finishSignIn(
  c: Context<GatewayEnv>,
  pending: PendingSignIn,
  answer: { code?: string | undefined; iss?: string | undefined },
): Promise<TokenResponse> {
  // RFC 9207: a response naming another issuer is a mix-up attack, whatever else it holds.
  if (answer.iss !== undefined && answer.iss !== c.env.AUTH_ISSUER) {
    throw new ApiError("bad_request", "The response names another issuer.");
  }
  if (!answer.code) throw new ApiError("bad_request", "The response carries no code.");
  const db = c.get("services").db;
  const { client } = await brandClient(db, brandOf(c));
  const response = await grant(() =>
    authorizationCodeGrant(c.env, db, client, {
      code: answer.code ?? "",
      redirectUri: pending.redirectUri,
      codeVerifier: pending.codeVerifier,
    }),
  );
  const { payload } = await jwtVerify(response.id_token ?? "", createLocalJWKSet(await issuerJwks(c.env)), {
    algorithms: ["ES256"],
    issuer: c.env.AUTH_ISSUER,
    audience: client.id,
  }).catch(() => {
    throw new ApiError("invalid_grant", "The ID token is not valid.");
  });
  if (payload.nonce !== pending.nonce)
    throw new ApiError("invalid_grant", "The ID token's nonce does not match.");
  c.get("logFields").account = payload.sub;
  clearCookie(c, COOKIES.brandSignIn);
  return response;
}

export function registerBrandAuth(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(startRoute, async (c) => {
    const brand = brandOf(c);
    const body = c.req.valid("json") ?? {};
    const started = await startBrandSignIn(c.env, c.get("services").db, brand, {
      ...(body.prompt ? { prompt: body.prompt } : {}),
      returnTo: safeReturnTo(body.returnTo),
    });
    writeCookie(c, COOKIES.brandSignIn, started.binding, { maxAgeSeconds: SIGN_IN_TTL_SECONDS });
    c.header("Cache-Control", "no-store");
    return c.json(
      { authorizationUrl: started.authorizationUrl, state: started.state, expiresIn: SIGN_IN_TTL_SECONDS },
      200,
    );
  });

  app.openapi(callbackGetRoute, async (c) => {
    const brand = brandOf(c);
    const query = c.req.valid("query");
    const pending = await consumeBrandSignIn(
      c.get("services").db,
      brand.tenant.id,
      query.state,
      readCookie(c, COOKIES.brandSignIn),
    );
    const returnTo = new URL(pending.returnTo, "http://brand.invalid");
    if (query.error) {
      clearCookie(c, COOKIES.brandSignIn);
      returnTo.searchParams.set("signin", query.error.replace(/[^a-z_]/g, ""));
    } else {
      keepSession(c, await finishSignIn(c, pending, query));
    }
    return c.redirect(`${returnTo.pathname}${returnTo.search}${returnTo.hash}`, 303);
  });

  app.openapi(callbackPostRoute, async (c) => {
    const brand = brandOf(c);
    const body = c.req.valid("json");
    const pending = await consumeBrandSignIn(
      c.get("services").db,
      brand.tenant.id,
      body.state,
      readCookie(c, COOKIES.brandSignIn),
    );
    if (body.error) {
      clearCookie(c, COOKIES.brandSignIn);
      throw new ApiError("unauthenticated", `The issuer answered ${body.error}: nobody is signed in there.`);
    }
    const response = await finishSignIn(c, pending, body);
    keepSession(c, response);
    return c.json(TokenResponseSchema.parse(response), 200);
  });

  app.openapi(tokenRoute, async (c) => {
    const db = c.get("services").db;
    const { client } = await brandClient(db, brandOf(c));
    const body = c.req.valid("json");
    let response: TokenResponse;
    if (body.grant_type === "refresh_token") {
      const presented = body.refreshToken ?? readCookie(c, COOKIES.brandSession);
      if (!presented) throw new ApiError("unauthenticated", "Send a refresh token, or sign in first.");
      response = await grant(() => refreshGrant(c.env, db, client, presented));
    } else {
      response = await grant(() =>
        authorizationCodeGrant(c.env, db, client, {
          code: body.code,
          redirectUri: body.redirectUri,
          codeVerifier: body.codeVerifier,
        }),
      );
    }
    keepSession(c, response);
    return c.json(TokenResponseSchema.parse(response), 200);
  });

  app.openapi(exchangeRoute, async (c) => {
    const db = c.get("services").db;
    const { client } = await brandClient(db, brandOf(c));
    const { subjectToken } = c.req.valid("json");
    const response = await grant(() => exchangeGrant(c.env, db, client, subjectToken, ACCESS_TOKEN_TYPE));
    keepSession(c, response);
    return c.json(TokenResponseSchema.parse(response), 200);
  });
}
