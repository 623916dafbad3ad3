import { toBase64Url } from "@fun/core";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { getResponse, HttpResponse, http } from "msw";
import { vi } from "vitest";

export const UPSTREAM = "https://id.example.test";

export interface UpstreamUser {
  sub: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  /** What the fake does wrong, for refusal tests. */
  flaw?: "wrong_nonce" | "other_key" | "wrong_aud" | "wrong_iss" | "alg_none" | "expired";
}

/**
 * A third-party OIDC provider, intercepted at the network edge (the worker's outbound `fetch`) with
 * MSW handlers: discovery, its JWKS, and a token endpoint that checks client authentication, the
 * code, the redirect URI and the PKCE verifier, then signs an ES256 ID token with the nonce.
 */
export async function fakeUpstream(client: { id: string; secret: string }) {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const stranger = await generateKeyPair("ES256");
  const publicJwk = { ...(await exportJWK(publicKey)), kid: "up-1", alg: "ES256", use: "sig" };
  const codes = new Map<string, UpstreamUser & { nonce: string; challenge: string; redirectUri: string }>();

  const handlers = [
    http.get(`${UPSTREAM}/.well-known/openid-configuration`, () =>
      HttpResponse.json({
        issuer: UPSTREAM,
        authorization_endpoint: `${UPSTREAM}/authorize`,
        token_endpoint: `${UPSTREAM}/token`,
        jwks_uri: `${UPSTREAM}/jwks`,
        id_token_signing_alg_values_supported: ["ES256"],
      }),
    ),
    http.get(`${UPSTREAM}/jwks`, () => HttpResponse.json({ keys: [publicJwk] })),
    http.post(`${UPSTREAM}/token`, async ({ request }) => {
      if (request.headers.get("authorization") !== `Basic ${btoa(`${client.id}:${client.secret}`)}`) {
        return HttpResponse.json({ error: "invalid_client" }, { status: 401 });
      }
      const form = new URLSearchParams(await request.text());
      const grant = codes.get(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      const challenge = toBase64Url(
        new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
      );
      if (!grant || grant.redirectUri !== form.get("redirect_uri") || grant.challenge !== challenge) {
        return HttpResponse.json({ error: "invalid_grant" }, { status: 400 });
      }
      codes.delete(form.get("code") ?? "");
      const claims = {
        email: grant.email,
        email_verified: grant.emailVerified,
        ...(grant.name ? { name: grant.name } : {}),
        nonce: grant.flaw === "wrong_nonce" ? "another-nonce" : grant.nonce,
      };
      const now = Math.floor(Date.now() / 1000);
      const token =
        grant.flaw === "alg_none"
          ? `${toBase64Url(new TextEncoder().encode(JSON.stringify({ alg: "none" })))}.${toBase64Url(
              new TextEncoder().encode(
                JSON.stringify({
                  ...claims,
                  iss: UPSTREAM,
                  aud: client.id,
                  sub: grant.sub,
                  iat: now,
                  exp: now + 300,
                }),
              ),
            )}.`
          : await new SignJWT(claims)
              .setProtectedHeader({ alg: "ES256", kid: "up-1" })
              .setIssuer(grant.flaw === "wrong_iss" ? "https://evil.example" : UPSTREAM)
              .setAudience(grant.flaw === "wrong_aud" ? "someone-else" : client.id)
              .setSubject(grant.sub)
              .setIssuedAt(grant.flaw === "expired" ? now - 3600 : now)
              .setExpirationTime(grant.flaw === "expired" ? now - 1800 : now + 300)
              .sign(grant.flaw === "other_key" ? stranger.privateKey : privateKey);
      return HttpResponse.json({ access_token: "upstream-access", token_type: "Bearer", id_token: token });
    }),
  ];

  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== UPSTREAM) return realFetch(request);
    return (await getResponse(handlers, request)) ?? new Response("no such upstream route", { status: 404 });
  });

  return {
    /** The upstream signs `user` in: answers the code its authorization endpoint would send back. */
    authorize(authorizationUrl: string, user: UpstreamUser): string {
      const url = new URL(authorizationUrl);
      const code = crypto.randomUUID();
      codes.set(code, {
        ...user,
        nonce: url.searchParams.get("nonce") ?? "",
        challenge: url.searchParams.get("code_challenge") ?? "",
        redirectUri: url.searchParams.get("redirect_uri") ?? "",
      });
      return code;
    },
    restore: () => spy.mockRestore(),
  };
}
