import { toBase64Url, toHex } from "@fun/core";
import { type CoreDb, type OAuthClientRow, oidcTransaction } from "@fun/db";
import { ApiError } from "@fun/http";
import type { Tenant } from "@fun/tenancy";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { findClient } from "../oauth/oauth.repo";

/** A sign-in in flight lasts this long between the start and the callback. */
export const SIGN_IN_TTL_SECONDS = 10 * 60;

const random = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

export async function sha256Hex(value: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value))));
}

async function s256(verifier: string): Promise<string> {
  return toBase64Url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
}

/** The brand of a tenant-host request; the auth host and others have none. */
export function brandOf(c: Context<GatewayEnv>): { tenant: Tenant; environment: "local" | "production" } {
  const host = c.get("host");
  if (host.kind !== "tenant")
    throw new ApiError("not_found", "Sign-in to a brand happens on the brand's host.");
  return { tenant: host.tenant, environment: host.environment };
}

/**
 * The brand's own web client of the issuer (`<slug>-web`) and its callback URI for the environment
 * this request came in on (the registered URI whose host is the brand's web host).
 */
export async function brandClient(
  db: CoreDb,
  brand: { tenant: Tenant; environment: "local" | "production" },
): Promise<{ client: OAuthClientRow; redirectUri: string }> {
  const client = await findClient(db, `${brand.tenant.slug}-web`);
  const webHost = brand.tenant.settings.domains[brand.environment].web;
  const redirectUri = client?.redirectUris.find((uri) => new URL(uri).hostname === webHost);
  if (!client || client.tenantId !== brand.tenant.id || !redirectUri) {
    throw new Error(`the ${brand.tenant.slug} web client has no redirect URI on ${webHost}`);
  }
  return { client, redirectUri };
}

/** A path on this brand to return to; anything that could leave the brand becomes "/". */
export function safeReturnTo(value: string | undefined): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  // Parsed against a placeholder origin: if the result left it, the path was not a plain path.
  const parsed = new URL(value, "http://brand.invalid");
  // Dot segments can still turn a path into a protocol-relative one (`/.//evil.example`).
  const path = parsed.pathname;
  if (parsed.origin !== "http://brand.invalid" || path.startsWith("//") || path.startsWith("/\\")) return "/";
  return `${path}${parsed.search}${parsed.hash}`;
}

export interface StartedSignIn {
  authorizationUrl: string;
  state: string;
  /** Set as the `fun_oidc` cookie: only this browser can finish the sign-in. */
  binding: string;
}

/** Records a brand sign-in (state, PKCE verifier, nonce) and builds the issuer URL to send the browser to. */
export async function startBrandSignIn(
  env: Env,
  db: CoreDb,
  brand: { tenant: Tenant; environment: "local" | "production" },
  options: { prompt?: "none" | "login"; returnTo: string },
): Promise<StartedSignIn> {
  const { client, redirectUri } = await brandClient(db, brand);
  const [state, verifier, nonce, binding] = [random(), random(), random(), random()];
  const now = Date.now();
  await db.insert(oidcTransaction).values({
    stateHash: await sha256Hex(state),
    kind: "brand",
    tenantId: brand.tenant.id,
    clientId: client.id,
    codeVerifier: verifier,
    nonce,
    redirectUri,
    context: { returnTo: options.returnTo },
    bindingHash: await sha256Hex(binding),
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
    code_challenge: await s256(verifier),
    code_challenge_method: "S256",
    ...(options.prompt ? { prompt: options.prompt } : {}),
  }).toString();
  return { authorizationUrl: url.toString(), state, binding };
}

export interface PendingSignIn {
  clientId: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
}

/**
 * Takes the sign-in a callback's `state` names, once: it must be this brand's, unexpired, unused
 * and started by this browser (the `fun_oidc` cookie). Anything else is a 400 and uses nothing up.
 */
export async function consumeBrandSignIn(
  db: CoreDb,
  tenantId: string,
  state: string,
  binding: string | undefined,
): Promise<PendingSignIn> {
  const refused = new ApiError(
    "bad_request",
    "This sign-in is unknown, expired, already finished or was started elsewhere.",
  );
  if (!binding) throw refused;
  const stateHash = await sha256Hex(state);
  const bindingHash = await sha256Hex(binding);
  const now = Date.now();
  const [row] = await db
    .update(oidcTransaction)
    .set({ consumedAt: now })
    .where(
      and(
        eq(oidcTransaction.stateHash, stateHash),
        eq(oidcTransaction.kind, "brand"),
        eq(oidcTransaction.tenantId, tenantId),
        eq(oidcTransaction.bindingHash, bindingHash),
        isNull(oidcTransaction.consumedAt),
        gt(oidcTransaction.expiresAt, now),
      ),
    )
    .returning();
  if (!row) throw refused;
  const returnTo = typeof row.context.returnTo === "string" ? row.context.returnTo : "/";
  return {
    clientId: row.clientId,
    codeVerifier: row.codeVerifier,
    nonce: row.nonce,
    redirectUri: row.redirectUri,
    returnTo,
  };
}
