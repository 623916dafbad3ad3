import { ApiError } from "@fun/http";
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../../context";

export interface RelyingParty {
  /** The WebAuthn RP ID: the issuer's hostname. */
  rpID: string;
  /** The only origin whose clientData (and whose Origin header) is accepted. */
  origin: string;
}

/** The relying party is the auth host: one passkey signs in to every brand. */
export function relyingParty(env: Env): RelyingParty {
  const issuer = new URL(env.AUTH_ISSUER);
  return { rpID: issuer.hostname, origin: issuer.origin };
}

/**
 * Route middleware for the JSON endpoints the auth host's own pages call. It runs before body
 * validation: off the auth host they do not exist (404); otherwise the request must come from the
 * issuer's origin with a JSON body (403). A cross-site page can make a browser send neither: a form
 * or a "simple" fetch carries its own Origin, and a JSON content type needs a CORS preflight that
 * nothing here answers.
 */
export const passkeyCallsOnly: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  if (c.get("host").kind !== "auth") throw new ApiError("not_found", "Passkeys live on the auth host.");
  if (c.req.header("origin") !== relyingParty(c.env).origin) {
    throw new ApiError("forbidden", "Passkey calls come from the auth host's own pages.", {
      internalReason: `origin ${c.req.header("origin") ?? "(none)"}`.slice(0, 200),
    });
  }
  const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError("forbidden", "Passkey calls send their body as application/json.", {
      internalReason: `content-type ${type ?? "(none)"}`.slice(0, 200),
    });
  }
  await next();
};
