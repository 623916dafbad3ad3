import { toBase64Url } from "@fun/core";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { getResponse, HttpResponse, http } from "msw";
import { vi } from "vitest";

export const UPSTREAM = "https://id.example.test";
/** A second origin whose discovery document names `UPSTREAM` as its issuer (a mix-up attempt). */
export const IMPOSTOR = "https://impostor.example.test";

export interface UpstreamUser {
  sub: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  /** What the fake does wrong, for refusal tests. */
  flaw?: "wrong_nonce" | "other_key" | "wrong_aud" | "wrong_iss" | "alg_none" | "hs256" | "expired";
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

  /** RFC 6749 §2.3.1: Basic credentials whose halves are form-encoded. */
  const clientAuthenticated = (header: string | null) => {
    if (!header?.startsWith("Basic ")) return false;
    const [id, secret] = atob(header.slice(6))
      .split(":")
      .map((half) => decodeURIComponent(half.replace(/\+/g, " ")));
    return id === client.id && secret === client.secret;
  };

  const handlers = [
    http.get(`${IMPOSTOR}/.well-known/openid-configuration`, () =>
      HttpResponse.json({
        issuer: UPSTREAM,
        authorization_endpoint: `${IMPOSTOR}/authorize`,
        token_endpoint: `${IMPOSTOR}/token`,
        jwks_uri: `${IMPOSTOR}/jwks`,
      }),
    ),
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
      if (!clientAuthenticated(request.headers.get("authorization"))) {
        return HttpResponse.json({ error: "invalid_client" }, { status: 401 });
      }
      const form = await request.formData();
      if (form.get("grant_type") !== "authorization_code") {
        return HttpResponse.json({ error: "unsupported_grant_type" }, { status: 400 });
      }
      const code = String(form.get("code") ?? "");
      const grant = codes.get(code);
      const verifier = String(form.get("code_verifier") ?? "");
      const challenge = toBase64Url(
        new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
      );
      if (!grant || grant.redirectUri !== form.get("redirect_uri") || grant.challenge !== challenge) {
        return HttpResponse.json({ error: "invalid_grant" }, { status: 400 });
      }
      codes.delete(code);
      const claims = {
        email: grant.email,
        email_verified: grant.emailVerified,
        ...(grant.name ? { name: grant.name } : {}),
        nonce: grant.flaw === "wrong_nonce" ? "another-nonce" : grant.nonce,
      };
      const now = Math.floor(Date.now() / 1000);
      const registered = {
        ...claims,
        iss: grant.flaw === "wrong_iss" ? "https://evil.example" : UPSTREAM,
        aud: grant.flaw === "wrong_aud" ? "someone-else" : client.id,
        sub: grant.sub,
        iat: grant.flaw === "expired" ? now - 3600 : now,
        exp: grant.flaw === "expired" ? now - 1800 : now + 300,
      };
      const json = (value: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(value)));
      const token =
        grant.flaw === "alg_none"
          ? `${json({ alg: "none", typ: "JWT" })}.${json(registered)}.`
          : grant.flaw === "hs256"
            ? // Signed with our client secret: what an attacker who learnt it, or a confused verifier, would accept.
              await new SignJWT(registered)
                .setProtectedHeader({ alg: "HS256", kid: "up-1" })
                .sign(new TextEncoder().encode(client.secret))
            : await new SignJWT(registered)
                .setProtectedHeader({ alg: "ES256", kid: "up-1" })
                .sign(grant.flaw === "other_key" ? stranger.privateKey : privateKey);
      return HttpResponse.json({ access_token: "upstream-access", token_type: "Bearer", id_token: token });
    }),
  ];

  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (![UPSTREAM, IMPOSTOR].includes(new URL(request.url).origin)) return realFetch(request);
    return (await getResponse(handlers, request)) ?? new Response("no such upstream route", { status: 404 });
  });

  return {
    /** The upstream signs `user` in: answers the code its authorization endpoint would send back. */
    authorize(authorizationUrl: string, user: UpstreamUser): string {
      const url = new URL(authorizationUrl);
      const query = (name: string) => url.searchParams.get(name);
      // What a real authorization endpoint insists on before it shows its own sign-in.
      if (
        url.origin !== UPSTREAM ||
        query("response_type") !== "code" ||
        query("client_id") !== client.id ||
        query("code_challenge_method") !== "S256" ||
        !query("code_challenge") ||
        !query("state") ||
        !query("nonce") ||
        !query("scope")?.split(" ").includes("openid")
      ) {
        throw new Error(`the upstream refuses this authorization request: ${authorizationUrl}`);
      }
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
