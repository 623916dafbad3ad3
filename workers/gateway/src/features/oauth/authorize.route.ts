import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { checkPasswordSignIn } from "../accounts/password-sign-in";
import { PASSKEY_SIGN_IN_SCRIPT, passkeySignInSection } from "../passkeys/passkey-sign-in";
import { hostIndex } from "../tenants/tenant-directory";
import { upstreamSignInLinks } from "../upstream/upstream.routes";
import { composeAccountSecret } from "./account-secret";
import { authErrorPage, type PageTheme, themeFor } from "./auth-page";
import {
  AUTHORIZATION_PARAMETERS,
  type AuthorizationRequest,
  authorizationParameters,
  type ParsedAuthorization,
  parseAuthorizationRequest,
  redirectTo,
} from "./authorization-request";
import { CSRF_FIELD, csrfValid } from "./csrf";
import { formBody, htmlResponse, redirectResponse } from "./html-route";
import { clientIp, currentIssuerSession, type IssuerSession, startIssuerSession } from "./issuer-session";
import { type LoginPage, loginPageResponse } from "./login-page";
import { sessionStoreFor } from "./token.service";

const GENERIC_FAILURE = "That email and password do not match an active account.";

const getRoute = defineRoute({
  method: "get",
  path: "/authorize",
  tags: ["Identity"],
  summary: "OpenID Connect authorization endpoint on the auth host (code flow, PKCE S256 only)",
  description:
    "Query: `response_type=code`, `client_id`, `redirect_uri` (exact match), `scope` (with `openid`), `state`, `nonce`, `code_challenge` with `code_challenge_method=S256`, optional `prompt` (`none`, `login`) and `max_age`. Signed in: redirects with `code`, `state` and `iss`. Otherwise shows the login page, or with `prompt=none` redirects with `error=login_required`.",
  responses: {
    200: htmlResponse("The login page, in the theme of the client's brand."),
    302: redirectResponse("Back to the client's redirect URI with a code or an OAuth error."),
    400: htmlResponse("The client or redirect URI is not registered: an error page, never a redirect."),
  },
});

const postRoute = defineRoute({
  method: "post",
  path: "/authorize",
  tags: ["Identity"],
  summary: "The login form's post: email and password, with the authorization request in hidden fields",
  request: {
    body: formBody(
      {
        email: "The account's email.",
        password: "Its password.",
        [CSRF_FIELD]: "The CSRF token from the login page.",
        client_id: "The authorization request's parameters, as on GET /authorize.",
      },
      ["email", "password", CSRF_FIELD, "client_id"],
    ),
  },
  responses: {
    303: redirectResponse("Signed in: back to the client's redirect URI with a code."),
    400: htmlResponse("The login page again with a generic error, or an error page for a bad request."),
    403: htmlResponse("The CSRF token is missing or wrong."),
    429: htmlResponse("Too many attempts: the login page with when to try again."),
  },
});

async function themeOf(env: Env, client: { tenantId: string } | undefined): Promise<PageTheme> {
  return themeFor(client ? (await hostIndex(env)).tenant(client.tenantId) : undefined);
}

/** Answers a request that cannot go on: an error page for an untrusted client, else a redirect. */
async function refuse(c: Context<GatewayEnv>, parsed: Exclude<ParsedAuthorization, { ok: true }>) {
  c.get("logFields").authorizeError = parsed.redirect ? parsed.error : "untrusted_client";
  if (!parsed.redirect) {
    return authErrorPage(
      c,
      await themeOf(c.env, parsed.client),
      "This sign-in link is not valid",
      parsed.detail,
      400,
    );
  }
  return c.redirect(
    redirectTo(parsed.redirectUri, c.env.AUTH_ISSUER, {
      error: parsed.error,
      error_description: parsed.description,
      state: parsed.state,
    }),
    302,
  );
}

/** Issues a code for the signed-in browser: the client's redirect URI with the answer. */
async function codeRedirectLocation(
  c: Context<GatewayEnv>,
  signedIn: IssuerSession,
  request: AuthorizationRequest,
  client: { id: string; tenantId: string },
): Promise<string> {
  const secret = await sessionStoreFor(c.env, signedIn.accountId).issueAuthorizationCode({
    sessionId: signedIn.session.id,
    clientId: client.id,
    tenantId: client.tenantId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scope: request.scope.join(" "),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  });
  c.get("logFields").account = signedIn.accountId;
  c.header("Cache-Control", "no-store");
  return redirectTo(request.redirectUri, c.env.AUTH_ISSUER, {
    code: composeAccountSecret(signedIn.accountId, secret),
    state: request.state,
  });
}

export interface PendingAuthorization {
  request: AuthorizationRequest;
  client: { id: string; tenantId: string };
}

/**
 * Finishes a sign-in made on the auth host by any method (password, passkey, upstream provider):
 * starts the browser's session there (setting its cookie on `c`) and answers the authorization
 * request with a code. Returns where the browser goes next; a page's script can navigate there.
 */
export async function completeSignInLocation(
  c: Context<GatewayEnv>,
  accountId: string,
  amr: string[],
  authorization: PendingAuthorization,
): Promise<string> {
  const signedIn = await startIssuerSession(c, accountId, amr);
  return codeRedirectLocation(c, signedIn, authorization.request, authorization.client);
}

/** `completeSignInLocation` as the 303 redirect that answers a form post. */
export async function completeSignIn(
  c: Context<GatewayEnv>,
  accountId: string,
  amr: string[],
  authorization: PendingAuthorization,
): Promise<Response> {
  return c.redirect(await completeSignInLocation(c, accountId, amr, authorization), 303);
}

function satisfiesMaxAge(session: IssuerSession, maxAge: number | undefined, now = Date.now()): boolean {
  return maxAge === undefined || now - session.session.authTime <= maxAge * 1000;
}

function requireAuthHost(c: Context<GatewayEnv>) {
  if (c.get("host").kind !== "auth") throw new ApiError("not_found", "Sign-in happens on the auth host.");
}

async function loginPage(
  c: Context<GatewayEnv>,
  authorization: { request: AuthorizationRequest; client: { tenantId: string } },
  extra: Partial<LoginPage> = {},
) {
  return loginPageResponse(c, {
    theme: await themeOf(c.env, authorization.client),
    request: authorization.request,
    // Passkeys are a second way in; the form above them works without any script.
    alternatives: [passkeySignInSection(), ...upstreamSignInLinks(c.env, authorization.request)],
    script: PASSKEY_SIGN_IN_SCRIPT,
    ...extra,
  });
}

export function registerAuthorize(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(getRoute, async (c) => {
    requireAuthHost(c);
    const read = authorizationParameters(new URL(c.req.url).searchParams);
    if (!read.ok)
      return authErrorPage(
        c,
        await themeOf(c.env, undefined),
        "This sign-in link is not valid",
        `${read.repeated} is repeated.`,
        400,
      );
    const parsed = await parseAuthorizationRequest(c.get("services").db, read.params);
    if (!parsed.ok) return refuse(c, parsed);
    const { request, client } = parsed;
    c.get("logFields").client = client.id;

    const signedIn = await currentIssuerSession(c);
    if (signedIn && request.prompt !== "login" && satisfiesMaxAge(signedIn, request.maxAge)) {
      return c.redirect(await codeRedirectLocation(c, signedIn, request, client), 302);
    }
    if (request.prompt === "none") {
      return refuse(c, {
        ok: false,
        redirect: true,
        client,
        redirectUri: request.redirectUri,
        ...(request.state === undefined ? {} : { state: request.state }),
        error: "login_required",
        description: signedIn ? "The sign-in is older than max_age allows." : "Nobody is signed in.",
      });
    }
    return loginPage(c, parsed);
  });

  app.openapi(postRoute, async (c) => {
    requireAuthHost(c);
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") {
      throw new ApiError("unsupported_media_type", "Post the login form as a form.");
    }
    const form = await c.req.formData();
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" ? value : undefined;
    };
    const authParams = [...form.entries()].flatMap(([name, value]) =>
      (AUTHORIZATION_PARAMETERS as readonly string[]).includes(name) && typeof value === "string"
        ? [[name, value] as [string, string]]
        : [],
    );
    const read = authorizationParameters(authParams);
    const parsed = read.ok
      ? await parseAuthorizationRequest(c.get("services").db, read.params)
      : ({ ok: false, redirect: false, detail: `${read.repeated} is repeated.` } as const);
    if (!parsed.ok) return refuse(c, parsed);
    if (!csrfValid(c, text(CSRF_FIELD))) {
      c.get("logFields").authorizeError = "csrf";
      return loginPage(c, parsed, {
        status: 403,
        error: "This form expired or did not come from this page. Please sign in again.",
      });
    }
    const email = (text("email") ?? "").trim().toLowerCase();
    const password = text("password") ?? "";
    if (!email || !password || email.length > 254 || password.length > 1024) {
      return loginPage(c, parsed, { status: 400, error: GENERIC_FAILURE, email: email.slice(0, 254) });
    }
    const result = await checkPasswordSignIn(c.env, c.get("services").db, {
      email,
      password,
      ip: clientIp(c),
    });
    if (!result.ok) {
      c.get("logFields").authorizeError = result.reason;
      if (result.reason === "throttled") {
        c.header("Retry-After", String(result.retryAfterSeconds));
        return loginPage(c, parsed, {
          status: 429,
          email,
          error: `Too many attempts. Try again in ${result.retryAfterSeconds} seconds.`,
        });
      }
      return loginPage(c, parsed, { status: 400, error: GENERIC_FAILURE, email });
    }
    return completeSignIn(c, result.accountId, ["pwd"], parsed);
  });
}
