import { toBase64Url } from "@fun/core";
import { oidcTransaction } from "@fun/db";
import { ApiError, defineRoute, PROBLEM_CONTENT_TYPE, ProblemSchema } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { html } from "hono/html";
import type { GatewayEnv } from "../../context";
import { authErrorPage, themeFor } from "../oauth/auth-page";
import {
  AUTHORIZATION_PARAMETERS,
  type AuthorizationRequest,
  authorizationParameters,
  formFields,
  parseAuthorizationRequest,
} from "../oauth/authorization-request";
import { completeSignIn } from "../oauth/authorize.route";
import { COOKIES, clearCookie, readCookie, writeCookie } from "../oauth/cookies";
import { htmlResponse, redirectResponse } from "../oauth/html-route";
import { isActiveAccount } from "../oauth/oauth.repo";
import { hostIndex } from "../tenants/tenant-directory";
import { accountForUpstream } from "./upstream.repo";
import {
  type CachedUpstream,
  redeemUpstreamCode,
  upstreamMetadata,
  verifyUpstreamIdToken,
} from "./upstream-client";
import { type UpstreamProvider, upstreamProviders } from "./upstream-config";

const SIGN_IN_TTL_MS = 10 * 60 * 1000;
const random = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
const sha256 = async (value: string) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
/** The state and the binding are stored only as hashes: a read of the table cannot finish a sign-in. */
const sha256Hex = async (value: string) =>
  [...(await sha256(value))].map((byte) => byte.toString(16).padStart(2, "0")).join("");

const Provider = z.object({ provider: z.string().regex(/^[a-z0-9-]{2,32}$/) });

const startRoute = defineRoute({
  method: "get",
  path: "/upstream/{provider}/start",
  tags: ["Identity"],
  summary: "Signs in through a configured upstream OIDC provider, continuing an authorization request",
  description: "Query: the pending authorization request's parameters, as on GET /authorize.",
  request: { params: Provider },
  responses: {
    302: redirectResponse("To the upstream provider's authorization endpoint (code flow with PKCE)."),
    400: htmlResponse("The authorization request is not valid."),
    503: {
      description: "The provider's discovery document or keys cannot be fetched or are not valid.",
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    },
  },
});

const callbackRoute = defineRoute({
  method: "get",
  path: "/upstream/{provider}/callback",
  tags: ["Identity"],
  summary: "The upstream provider's redirect back: links or creates the account and finishes the sign-in",
  request: {
    params: Provider,
    query: z.object({
      code: z.string().max(2048).optional(),
      state: z.string().min(1).max(512),
      iss: z.string().max(512).optional(),
      error: z.string().max(128).optional(),
    }),
  },
  responses: {
    303: redirectResponse("Signed in: back to the client with a code."),
    400: htmlResponse("The sign-in failed or was not started in this browser."),
    403: htmlResponse("The upstream account's email belongs to an account of ours; sign in with it instead."),
  },
});

function providerOf(c: Context<GatewayEnv>, id: string): UpstreamProvider {
  if (c.get("host").kind !== "auth") throw new ApiError("not_found", "Upstream sign-in is on the auth host.");
  let providers: UpstreamProvider[];
  try {
    providers = upstreamProviders(c.env);
  } catch (error) {
    c.get("logFields").upstreamConfig = String(error);
    throw new ApiError("internal_error", "Upstream sign-in is misconfigured.");
  }
  const provider = providers.find((candidate) => candidate.id === id);
  if (!provider) throw new ApiError("not_found", "No such sign-in provider.");
  return provider;
}

/** Links for the login page, one per configured provider, carrying the pending request. */
export function upstreamSignInLinks(env: Env, request: AuthorizationRequest) {
  let providers: UpstreamProvider[] = [];
  try {
    providers = upstreamProviders(env);
  } catch {
    // A misconfiguration shows on the provider routes; the login form itself keeps working.
  }
  if (providers.length === 0) return [];
  const query = new URLSearchParams(formFields(request)).toString();
  return [
    html`<section class="upstream">${providers.map(
      (provider) =>
        html`<p><a class="button" href="/upstream/${provider.id}/start?${query}">Continue with ${provider.name}</a></p>`,
    )}</section>`,
  ];
}

export function registerUpstream(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(startRoute, async (c) => {
    const provider = providerOf(c, c.req.valid("param").provider);
    const read = authorizationParameters(
      [...new URL(c.req.url).searchParams].filter(([name]) =>
        (AUTHORIZATION_PARAMETERS as readonly string[]).includes(name),
      ),
    );
    const pending = read.ok ? await parseAuthorizationRequest(c.get("services").db, read.params) : undefined;
    if (!pending?.ok) {
      return authErrorPage(
        c,
        themeFor(undefined),
        "This sign-in link is not valid",
        "The authorization request is not valid.",
        400,
      );
    }
    let metadata: CachedUpstream["metadata"];
    try {
      ({ metadata } = await upstreamMetadata(provider));
    } catch (error) {
      c.get("logFields").upstreamError = String(error);
      throw new ApiError("service_unavailable", `${provider.name} cannot be reached; try again later.`);
    }
    const [state, verifier, nonce, binding] = [random(), random(), random(), random()];
    const redirectUri = `${c.env.AUTH_ISSUER}/upstream/${provider.id}/callback`;
    const now = Date.now();
    await c
      .get("services")
      .db.insert(oidcTransaction)
      .values({
        stateHash: await sha256Hex(state),
        kind: "upstream",
        clientId: provider.client_id,
        provider: provider.id,
        codeVerifier: verifier,
        nonce,
        redirectUri,
        context: Object.fromEntries(formFields(pending.request)),
        bindingHash: await sha256Hex(binding),
        createdAt: now,
        expiresAt: now + SIGN_IN_TTL_MS,
      });
    writeCookie(c, COOKIES.upstreamSignIn, binding, { maxAgeSeconds: SIGN_IN_TTL_MS / 1000 });
    const challenge = toBase64Url(await sha256(verifier));
    const target = new URL(metadata.authorization_endpoint);
    for (const [name, value] of Object.entries({
      response_type: "code",
      client_id: provider.client_id,
      redirect_uri: redirectUri,
      scope: provider.scopes,
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: "S256",
    })) {
      target.searchParams.set(name, value);
    }
    return c.redirect(target.toString(), 302);
  });

  app.openapi(callbackRoute, async (c) => {
    const provider = providerOf(c, c.req.valid("param").provider);
    const query = c.req.valid("query");
    const db = c.get("services").db;
    const failed = (detail: string, status: 400 | 403 = 400) => {
      c.get("logFields").upstreamFailure = detail;
      return authErrorPage(c, themeFor(undefined), "Sign-in did not work", detail, status);
    };
    const binding = readCookie(c, COOKIES.upstreamSignIn);
    if (!binding) return failed("This sign-in was not started in this browser.");
    const now = Date.now();
    const [transaction] = await db
      .update(oidcTransaction)
      .set({ consumedAt: now })
      .where(
        and(
          eq(oidcTransaction.stateHash, await sha256Hex(query.state)),
          eq(oidcTransaction.kind, "upstream"),
          eq(oidcTransaction.provider, provider.id),
          eq(oidcTransaction.bindingHash, await sha256Hex(binding)),
          isNull(oidcTransaction.consumedAt),
          gt(oidcTransaction.expiresAt, now),
        ),
      )
      .returning();
    if (!transaction)
      return failed("This sign-in is unknown, expired, already finished or was started elsewhere.");
    clearCookie(c, COOKIES.upstreamSignIn);
    if (query.error || !query.code) return failed(`${provider.name} did not sign you in.`);
    if (query.iss !== undefined && query.iss !== provider.issuer)
      return failed("The answer names another issuer.");

    let claims: Awaited<ReturnType<typeof verifyUpstreamIdToken>>;
    try {
      const cached = await upstreamMetadata(provider);
      const idToken = await redeemUpstreamCode(provider, cached.metadata, {
        code: query.code,
        redirectUri: transaction.redirectUri,
        codeVerifier: transaction.codeVerifier,
      });
      claims = await verifyUpstreamIdToken(provider, cached, idToken, transaction.nonce);
    } catch (error) {
      c.get("logFields").upstreamError = String(error);
      return failed(`${provider.name} did not confirm who you are.`);
    }

    const pending = await parseAuthorizationRequest(
      db,
      new Map(Object.entries(transaction.context).map(([name, value]) => [name, String(value)])),
    );
    if (!pending.ok) return failed("The authorization request is no longer valid.");
    const email = typeof claims.email === "string" ? claims.email : undefined;
    const found = await accountForUpstream(db, {
      provider: provider.id,
      subject: claims.sub,
      email,
      emailVerified: claims.email_verified === true,
      name: typeof claims.name === "string" ? claims.name : undefined,
      tenants: (await hostIndex(c.env)).tenants(),
    });
    if (found.kind === "email_taken") {
      return failed(
        `An account already uses the email ${provider.name} gave. Sign in with its password; linking ${provider.name} to it is not automatic.`,
        403,
      );
    }
    if (!(await isActiveAccount(db, found.accountId))) {
      return failed(
        found.kind === "created"
          ? `Your account is created but not active yet: ${provider.name} has not confirmed your email.`
          : "This account is not active.",
        403,
      );
    }
    return completeSignIn(c, found.accountId, ["fed"], pending);
  });
}
