import { callWorker, type GatewayRequestInit } from "@fun/testing";

/** The girlfanz web client's registered callback on the local stack. */
export const GIRLFANZ_CALLBACK = "http://girlfanz.localhost:8787/v1/auth/oidc/callback";

type Send = (path: string, init: GatewayRequestInit) => Promise<Response>;

/** A form POST to the issuer's token endpoint, as a client sends it. */
export function postToken(
  fields: Record<string, string>,
  init: { host?: string; contentType?: string; send?: Send } = {},
): Promise<Response> {
  return (init.send ?? callWorker)("/token", {
    method: "POST",
    host: init.host ?? "auth.localhost",
    headers: { "content-type": init.contentType ?? "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Redeems an authorization code with its PKCE verifier (girlfanz web client unless told). */
export function redeemCode(
  code: string,
  verifier: string,
  options: { redirectUri?: string; clientId?: string; send?: Send } = {},
): Promise<Response> {
  return postToken(
    {
      grant_type: "authorization_code",
      client_id: options.clientId ?? "girlfanz-web",
      code,
      redirect_uri: options.redirectUri ?? GIRLFANZ_CALLBACK,
      code_verifier: verifier,
    },
    options.send ? { send: options.send } : {},
  );
}
