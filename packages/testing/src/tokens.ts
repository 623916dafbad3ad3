import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";

type Ring = { issueAccessToken(request: object, now?: number): Promise<string> };
type RingNamespace = { get(id: unknown): Ring; idFromName(name: string): unknown };

/** The real issuer key ring of the worker under test (the gateway's KEY_RING binding). */
function issuerRing(): Ring {
  const rings = (env as unknown as { KEY_RING: RingNamespace }).KEY_RING;
  return rings.get(rings.idFromName("issuer"));
}

export type Brand = keyof typeof SEED.tenants;

export interface TestTokenOptions {
  /** The account the token is for (its `sub`). */
  accountId: string;
  brand?: Brand;
  issuer?: string;
  audience?: string;
  scope?: string[];
  lifetimeSeconds?: number;
  /** The client it was issued to; defaults to the brand's web client. */
  clientId?: string;
  /** The issuer session behind it (`sid`), when the test needs one. */
  sessionId?: string;
  /** Issue as if at this time (ms), e.g. in the past for an expired token. */
  now?: number;
}

/**
 * An access token signed by the platform's own key ring, as the issuer will sign them: tests use
 * the real signing path rather than a hand-made token, except where the hand-made token is the point.
 */
export function accessToken(options: TestTokenOptions): Promise<string> {
  return issuerRing().issueAccessToken(
    {
      issuer: options.issuer ?? "http://auth.localhost:8787",
      subject: options.accountId,
      audience: options.audience ?? "fun-core-api",
      tenant: SEED.tenants[options.brand ?? "girlfanz"].id,
      scope: options.scope ?? ["openid", "profile"],
      lifetimeSeconds: options.lifetimeSeconds ?? 300,
      clientId: options.clientId ?? `${options.brand ?? "girlfanz"}-web`,
      ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    },
    options.now,
  );
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
