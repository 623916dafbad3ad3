import type { CoreDb, OAuthClientRow } from "@fun/db";
import { SUPPORTED_SCOPES } from "./claims";
import { findClient } from "./oauth.repo";

/** A validated OpenID Connect authentication request (authorization code flow with PKCE). */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state?: string;
  nonce?: string;
  codeChallenge: string;
  prompt?: "none" | "login";
  /** Seconds since the user last authenticated beyond which they must do so again. */
  maxAge?: number;
}

/** The parameters of an authorization request, as they travel in the URL and the login form. */
export const AUTHORIZATION_PARAMETERS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "prompt",
  "max_age",
  "response_mode",
] as const;

export type AuthorizationErrorCode =
  | "invalid_request"
  | "unauthorized_client"
  | "unsupported_response_type"
  | "invalid_scope"
  | "login_required"
  | "request_not_supported"
  | "request_uri_not_supported";

export type ParsedAuthorization =
  | { ok: true; request: AuthorizationRequest; client: OAuthClientRow }
  /** The client or its redirect URI cannot be trusted: say so on a page, never redirect (RFC 6749 §4.1.2.1). */
  | { ok: false; redirect: false; detail: string; client?: OAuthClientRow }
  /** A trusted redirect URI: the error goes back to the client there. */
  | {
      ok: false;
      redirect: true;
      client: OAuthClientRow;
      redirectUri: string;
      state?: string;
      error: AuthorizationErrorCode;
      description: string;
    };

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Reads the parameters of an authorization request; a repeated parameter is an error (RFC 6749 §3.1). */
export function authorizationParameters(
  entries: Iterable<[string, string]>,
): { ok: true; params: Map<string, string> } | { ok: false; repeated: string } {
  const params = new Map<string, string>();
  for (const [name, value] of entries) {
    if (params.has(name)) return { ok: false, repeated: name };
    params.set(name, value);
  }
  return { ok: true, params };
}

/**
 * Validates an authorization request. The client and the exact redirect URI are checked first:
 * until both are known, nothing is sent anywhere. Then everything else, each failure answered to
 * the client's redirect URI with the OAuth error code.
 */
export async function parseAuthorizationRequest(
  db: CoreDb,
  params: Map<string, string>,
): Promise<ParsedAuthorization> {
  const clientId = params.get("client_id");
  if (!clientId) return { ok: false, redirect: false, detail: "The request names no client_id." };
  const client = await findClient(db, clientId);
  if (!client) return { ok: false, redirect: false, detail: "The client_id is not a registered client." };
  const redirectUri = params.get("redirect_uri");
  // Exact string comparison: no prefix, no normalisation, no wildcard (OAuth 2.0 Security BCP §4.1).
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return {
      ok: false,
      redirect: false,
      client,
      detail: "The redirect_uri is not registered for this client.",
    };
  }
  const state = params.get("state");
  const fail = (error: AuthorizationErrorCode, description: string): ParsedAuthorization => ({
    ok: false,
    redirect: true,
    client,
    redirectUri,
    ...(state === undefined ? {} : { state }),
    error,
    description,
  });

  if (params.has("request")) return fail("request_not_supported", "Request objects are not supported.");
  if (params.has("request_uri")) return fail("request_uri_not_supported", "request_uri is not supported.");
  if (!client.grantTypes.includes("authorization_code"))
    return fail("unauthorized_client", "This client may not use the authorization code flow.");
  if (params.get("response_type") !== "code")
    return fail("unsupported_response_type", "Only response_type=code is supported.");
  const responseMode = params.get("response_mode");
  if (responseMode !== undefined && responseMode !== "query")
    return fail("invalid_request", "Only response_mode=query is supported.");

  const challenge = params.get("code_challenge");
  const method = params.get("code_challenge_method");
  if (!challenge) return fail("invalid_request", "PKCE is required: send code_challenge with method S256.");
  if (method !== "S256")
    return fail("invalid_request", "code_challenge_method must be S256; plain is not accepted.");
  if (!CODE_CHALLENGE.test(challenge))
    return fail("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier.");

  const scope = (params.get("scope") ?? "").split(" ").filter(Boolean);
  if (!scope.includes("openid")) return fail("invalid_scope", "The scope must include openid.");
  const unknown = scope.filter((item) => !(SUPPORTED_SCOPES as readonly string[]).includes(item));
  if (unknown.length > 0) return fail("invalid_scope", `Unknown scope: ${unknown.join(", ")}.`);

  const promptValues = (params.get("prompt") ?? "").split(" ").filter(Boolean);
  let prompt: "none" | "login" | undefined;
  if (promptValues.includes("none")) {
    if (promptValues.length > 1) return fail("invalid_request", "prompt=none cannot be combined.");
    prompt = "none";
  } else if (promptValues.includes("login")) {
    prompt = "login";
  } else if (promptValues.some((value) => value !== "consent" && value !== "select_account")) {
    return fail("invalid_request", "prompt must be none, login, consent or select_account.");
  }

  const maxAgeText = params.get("max_age");
  let maxAge: number | undefined;
  if (maxAgeText !== undefined) {
    if (!/^\d{1,9}$/.test(maxAgeText)) return fail("invalid_request", "max_age must be whole seconds.");
    maxAge = Number(maxAgeText);
  }
  const nonce = params.get("nonce");
  for (const [name, value] of [
    ["state", state],
    ["nonce", nonce],
  ] as const) {
    if (value !== undefined && (value.length === 0 || value.length > 512))
      return fail("invalid_request", `${name} must be 1-512 characters.`);
  }

  return {
    ok: true,
    client,
    request: {
      clientId: client.id,
      redirectUri,
      scope,
      codeChallenge: challenge,
      ...(state === undefined ? {} : { state }),
      ...(nonce === undefined ? {} : { nonce }),
      ...(prompt === undefined ? {} : { prompt }),
      ...(maxAge === undefined ? {} : { maxAge }),
    },
  };
}

/** The request as the login form's hidden fields carry it back to the POST. */
export function formFields(request: AuthorizationRequest): [string, string][] {
  const fields: [string, string][] = [
    ["response_type", "code"],
    ["client_id", request.clientId],
    ["redirect_uri", request.redirectUri],
    ["scope", request.scope.join(" ")],
    ["code_challenge", request.codeChallenge],
    ["code_challenge_method", "S256"],
  ];
  if (request.state !== undefined) fields.push(["state", request.state]);
  if (request.nonce !== undefined) fields.push(["nonce", request.nonce]);
  // A prompt=login is satisfied by this very form; posting it again must not loop.
  if (request.maxAge !== undefined) fields.push(["max_age", String(request.maxAge)]);
  return fields;
}

/** The client's redirect URI with the response parameters added (RFC 9207 `iss` included). */
export function redirectTo(
  redirectUri: string,
  issuer: string,
  response: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(response)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  url.searchParams.set("iss", issuer);
  return url.toString();
}
