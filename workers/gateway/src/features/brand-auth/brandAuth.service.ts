import { err, ok, type Result } from "@fun/core";
import type { CoreDb, OAuthClientRow } from "@fun/db";
import type { Tenant } from "@fun/tenancy";
import { createLocalJWKSet, jwtVerify } from "jose";
import { jwksForToken } from "../identity/issuer-keys";
import { parseAccountSecret } from "../oauth/account-secret";
import { findClient } from "../oauth/oauth.repo";
import { OAuthError } from "../oauth/oauth-errors";
import {
  ACCESS_TOKEN_TYPE,
  authorizationCodeGrant,
  exchangeGrant,
  refreshGrant,
  sessionStoreFor,
  type TokenResponse,
} from "../oauth/token.service";
import { pkceChallenge, randomSecret, sha256Hex } from "./brand-sign-in";
import { consumeBrandSignIn, insertBrandSignIn } from "./brandAuth.repo";

/** A sign-in in flight lasts this long between the start and the callback. */
export const SIGN_IN_TTL_SECONDS = 10 * 60;

/** The brand a request came in for, and on which of its environments. */
export interface BrandHost {
  tenant: Tenant;
  environment: "local" | "production";
}

/** Why a sign-in or a grant was refused; `detail` is safe to show the caller. */
export interface BrandAuthFailure {
  code: "bad_request" | "invalid_grant";
  detail: string;
}

/**
 * The brand's own web client of the issuer (`<slug>-web`) and its callback URI for the environment
 * of this request: the registered URI whose host is the brand's web host. A brand without one is
 * misconfigured, not a caller's mistake.
 */
export async function brandClient(
  db: CoreDb,
  brand: BrandHost,
): Promise<{ client: OAuthClientRow; redirectUri: string }> {
  const client = await findClient(db, `${brand.tenant.slug}-web`);
  const webHost = brand.tenant.settings.domains[brand.environment].web;
  const redirectUri = client?.redirectUris.find((uri) => new URL(uri).hostname === webHost);
  if (!client || client.tenantId !== brand.tenant.id || !redirectUri) {
    throw new Error(`the ${brand.tenant.slug} web client has no redirect URI on ${webHost}`);
  }
  return { client, redirectUri };
}

const PLACEHOLDER_ORIGIN = "http://brand.invalid";

/** A path on this brand to return to; anything that could leave the brand becomes "/". */
export function safeReturnTo(value: string | undefined): string {
  const leaves = (path: string) => !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\");
  if (value === undefined || leaves(value)) return "/";
  // Parsed against a placeholder origin: a value that leaves it was not a plain path, and one whose
  // normalised form starts with "//" (as "/.//evil.example" does) would leave as a Location.
  const parsed = new URL(value, PLACEHOLDER_ORIGIN);
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  return parsed.origin === PLACEHOLDER_ORIGIN && !leaves(path) ? path : "/";
}

export interface StartedBrandSignIn {
  authorizationUrl: string;
  state: string;
  /** The `fun_oidc` cookie's value: only the browser holding it can finish the sign-in. */
  binding: string;
}

/** Records a brand sign-in (state, PKCE verifier, nonce) and builds the issuer URL to send the browser to. */
export async function startBrandSignIn(
  env: Env,
  db: CoreDb,
  brand: BrandHost,
  options: { prompt?: "none" | "login" | undefined; returnTo?: string | undefined },
  now: number = Date.now(),
): Promise<StartedBrandSignIn> {
  const { client, redirectUri } = await brandClient(db, brand);
  const [state, codeVerifier, nonce, binding] = [
    randomSecret(),
    randomSecret(),
    randomSecret(),
    randomSecret(),
  ];
  await insertBrandSignIn(db, {
    stateHash: await sha256Hex(state),
    bindingHash: await sha256Hex(binding),
    tenantId: brand.tenant.id,
    clientId: client.id,
    codeVerifier,
    nonce,
    redirectUri,
    returnTo: safeReturnTo(options.returnTo),
    createdAt: now,
    expiresAt: now + SIGN_IN_TTL_SECONDS * 1000,
  });
  const url = new URL(`${env.AUTH_ISSUER}/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: client.id,
    redirect_uri: redirectUri,
    scope: "openid profile email",
    state,
    nonce,
    code_challenge: await pkceChallenge(codeVerifier),
    code_challenge_method: "S256",
    ...(options.prompt ? { prompt: options.prompt } : {}),
  }).toString();
  return { authorizationUrl: url.toString(), state, binding };
}

export type FinishedBrandSignIn =
  | { outcome: "signed_in"; accountId: string; tokens: TokenResponse; returnTo: string }
  /** The issuer said no (e.g. `login_required` after `prompt=none`); the sign-in is used up. */
  | { outcome: "declined"; error: string; returnTo: string };

const unknownSignIn: BrandAuthFailure = {
  code: "bad_request",
  detail: "This sign-in is unknown, expired, already finished or was started in another browser.",
};

/**
 * Finishes a sign-in from what the issuer sent to the callback: the right issuer (RFC 9207), a state
 * this browser started on this brand (taken once), then the code redeemed and the ID token checked
 * (our issuer's signature, this brand's client, the nonce of this sign-in). Failures before the
 * state is taken change nothing.
 */
export async function finishBrandSignIn(
  env: Env,
  db: CoreDb,
  brand: BrandHost,
  answer: { state: string; code?: string | undefined; iss?: string | undefined; error?: string | undefined },
  binding: string | undefined,
  now: number = Date.now(),
): Promise<Result<FinishedBrandSignIn, BrandAuthFailure>> {
  if (answer.iss !== undefined && answer.iss !== env.AUTH_ISSUER) {
    return err({ code: "bad_request", detail: "The response names another issuer." });
  }
  if (!binding) return err(unknownSignIn);
  const pending = await consumeBrandSignIn(
    db,
    {
      tenantId: brand.tenant.id,
      stateHash: await sha256Hex(answer.state),
      bindingHash: await sha256Hex(binding),
    },
    now,
  );
  if (!pending) return err(unknownSignIn);
  if (answer.error !== undefined) {
    return ok({
      outcome: "declined",
      error: answer.error.replace(/[^a-z_]/g, "") || "access_denied",
      returnTo: pending.returnTo,
    });
  }
  if (!answer.code) return err({ code: "bad_request", detail: "The response carries no code." });
  const { client } = await brandClient(db, brand);
  const redeemed = await grantResult(() =>
    authorizationCodeGrant(env, db, client, {
      code: answer.code ?? "",
      redirectUri: pending.redirectUri,
      codeVerifier: pending.codeVerifier,
    }),
  );
  if (!redeemed.ok) return redeemed;
  const tokens = redeemed.value;
  const idToken = await verifyIdToken(env, client.id, tokens.id_token ?? "");
  if (!idToken || idToken.nonce !== pending.nonce) {
    // Nobody gets these tokens: end the refresh-token family the code just started.
    await revokeIssuedRefreshToken(env, client.id, tokens.refresh_token);
    return err({
      code: "invalid_grant",
      detail: idToken ? "The ID token's nonce does not match this sign-in." : "The ID token is not valid.",
    });
  }
  return ok({ outcome: "signed_in", accountId: idToken.sub, tokens, returnTo: pending.returnTo });
}

async function verifyIdToken(
  env: Env,
  clientId: string,
  idToken: string,
): Promise<{ sub: string; nonce: unknown } | undefined> {
  try {
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(await jwksForToken(env, idToken)), {
      algorithms: ["ES256"],
      issuer: env.AUTH_ISSUER,
      audience: clientId,
      requiredClaims: ["sub"],
    });
    return { sub: payload.sub ?? "", nonce: payload.nonce };
  } catch {
    return undefined;
  }
}

async function revokeIssuedRefreshToken(env: Env, clientId: string, token: string | undefined) {
  const parsed = token ? parseAccountSecret(token) : undefined;
  if (parsed) await sessionStoreFor(env, parsed.accountId).revokeRefreshToken(parsed.secret, { clientId });
}

/** The issuer's OAuth errors as expected failures; anything else is unexpected and propagates. */
async function grantResult(
  run: () => Promise<TokenResponse>,
): Promise<Result<TokenResponse, BrandAuthFailure>> {
  try {
    return ok(await run());
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return err({
      code: error.code === "invalid_request" ? "bad_request" : "invalid_grant",
      detail: error.description,
    });
  }
}

/** Rotates a refresh token of this brand's web client. */
export async function refreshBrandTokens(env: Env, db: CoreDb, brand: BrandHost, refreshToken: string) {
  const { client } = await brandClient(db, brand);
  return grantResult(() => refreshGrant(env, db, client, refreshToken));
}

/** Redeems a code a native app obtained with its own PKCE, for this brand's web client. */
export async function redeemBrandCode(
  env: Env,
  db: CoreDb,
  brand: BrandHost,
  request: { code: string; codeVerifier: string; redirectUri: string },
) {
  const { client } = await brandClient(db, brand);
  return grantResult(() => authorizationCodeGrant(env, db, client, request));
}

/** The seamless hop: another brand's access token becomes tokens for this brand (RFC 8693). */
export async function exchangeForBrand(env: Env, db: CoreDb, brand: BrandHost, subjectToken: string) {
  const { client } = await brandClient(db, brand);
  return grantResult(() => exchangeGrant(env, db, client, subjectToken, ACCESS_TOKEN_TYPE));
}
