/**
 * OAuth 2.0 error responses (RFC 6749 §5.2). The token endpoint speaks OAuth's own error format,
 * not problem+json, because OAuth clients such as openid-client parse exactly this shape.
 */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "unsupported_token_type";

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = "OAuthError";
  }
}

/** Token responses and errors must never be cached (RFC 6749 §5.1). */
export const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

export function oauthErrorResponse(error: OAuthError, requestId: string): Response {
  // A client that failed to authenticate gets 401 with a challenge; every other error is 400.
  const status = error.code === "invalid_client" ? 401 : 400;
  const headers: Record<string, string> = { ...NO_STORE, "Content-Type": "application/json" };
  if (status === 401) headers["WWW-Authenticate"] = 'Basic realm="fun-core"';
  return new Response(
    JSON.stringify({ error: error.code, error_description: error.description, request_id: requestId }),
    {
      status,
      headers,
    },
  );
}
