import { DurableObject } from "cloudflare:workers";
import {
  type AccessTokenRequest,
  currentKey,
  type IdTokenRequest,
  initialKeys,
  issueAccessToken,
  issueIdToken,
  MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
  publicJwks,
  rotateKeys,
  type SigningKey,
} from "@fun/auth";
import type { JSONWebKeySet } from "jose";

/** How often the signing key rotates on its own; a staff call can rotate sooner. */
export const ROTATION_INTERVAL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * A retired key stays published this long: the longest access token plus the verifiers' clock
 * tolerance and the time they may cache the JWKS.
 */
export const RETIRED_KEY_GRACE_MS = (MAX_ACCESS_TOKEN_LIFETIME_SECONDS + 30) * 1000 + 10 * 60 * 1000;

const KEYS = "keys";

/**
 * The issuer's signing keys: one object for the whole platform (`idFromName("issuer")`), so every
 * gateway isolate signs with the same current key. Private keys never leave this object: tokens are
 * signed here, and callers get only public keys. An alarm rotates them on schedule.
 *
 * Storage: the key list (`SigningKey[]`, see @fun/auth) under the key `keys`.
 */
export class KeyRing extends DurableObject<object> {
  #keys: SigningKey[] = [];

  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    // Key generation awaits WebCrypto, which would let a second request in; nothing else runs until
    // the key list exists, so two first requests cannot create two different lists.
    ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get<SigningKey[]>(KEYS);
      if (stored) {
        this.#keys = stored;
        return;
      }
      const now = Date.now();
      this.#keys = await initialKeys(now);
      await ctx.storage.put(KEYS, this.#keys);
      await ctx.storage.setAlarm(now + ROTATION_INTERVAL_MS);
    });
  }

  /** Signs an access token with the current key (its `kid` tells verifiers which key). */
  issueAccessToken(request: AccessTokenRequest, now: number = Date.now()): Promise<string> {
    return issueAccessToken(currentKey(this.#keys), request, now);
  }

  /** Signs an OpenID Connect ID token with the current key. */
  issueIdToken(request: IdTokenRequest, now: number = Date.now()): Promise<string> {
    return issueIdToken(currentKey(this.#keys), request, now);
  }

  /** The public keys verifiers should accept: next, current and still-valid retired keys. */
  jwks(now: number = Date.now()): JSONWebKeySet {
    return publicJwks(this.#keys, now);
  }

  /** Promotes the next key, retires the current one and publishes a fresh next key. */
  rotate(now: number = Date.now()): Promise<JSONWebKeySet> {
    // Serialised like the first load: two rotations at once must not both start from the same list.
    return this.ctx.blockConcurrencyWhile(async () => {
      this.#keys = await rotateKeys(this.#keys, { now, maxTokenLifetimeMs: RETIRED_KEY_GRACE_MS });
      await this.ctx.storage.put(KEYS, this.#keys);
      await this.ctx.storage.setAlarm(now + ROTATION_INTERVAL_MS);
      return publicJwks(this.#keys, now);
    });
  }

  override async alarm(): Promise<void> {
    await this.rotate();
  }
}
