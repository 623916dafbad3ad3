import { ulid } from "@fun/core";
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from "jose";

/**
 * ES256 signing keys for the OIDC issuer, with rotation in three steps: a key is published as
 * `next` for a whole rotation period before it signs anything (so every client's cached JWKS
 * already has it), then signs as `current`, then stays published as `retired` until every token
 * it signed has expired. All timestamps are epoch milliseconds.
 *
 * A `kid` is `key_` + a ULID of the key's creation time, like our other prefixed IDs: it names itself
 * in a log and sorts by age, which a JWK thumbprint would not.
 */
interface SigningKeyBase {
  kid: string;
  /** Holds the private member `d`; never leaves the issuer. */
  privateJwk: JWK;
  /** Carries `kid`, `alg: "ES256"` and `use: "sig"`. */
  publicJwk: JWK;
  createdAt: number;
}

/** Published in the JWKS, not yet signing. */
export interface NextSigningKey extends SigningKeyBase {
  status: "next";
}

/** The one key that signs new tokens. */
export interface CurrentSigningKey extends SigningKeyBase {
  status: "current";
  activatedAt: number;
}

/** No longer signs; published until `removeAfter`, when the last token it signed has expired. */
export interface RetiredSigningKey extends SigningKeyBase {
  status: "retired";
  activatedAt: number;
  retiredAt: number;
  removeAfter: number;
}

/** One signing key record, as the issuer stores it. */
export type SigningKey = NextSigningKey | CurrentSigningKey | RetiredSigningKey;

export interface RotationOptions {
  now: number;
  /**
   * How long a token signed just before this rotation may still be accepted: the longest access
   * token lifetime plus the verifiers' clock tolerance.
   */
  maxTokenLifetimeMs: number;
}

/** The only members of an EC public JWK we ever publish; a whitelist so `d` cannot slip through. */
const PUBLIC_MEMBERS = ["kty", "crv", "x", "y", "kid", "alg", "use"] as const;

/** Creates a fresh ES256 key pair as a `next` key. */
export async function generateSigningKey(now: number = Date.now()): Promise<NextSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = `key_${ulid(now)}`;
  const labels = { kid, alg: "ES256", use: "sig" };
  return {
    kid,
    status: "next",
    privateJwk: { ...(await exportJWK(privateKey)), ...labels },
    publicJwk: { ...(await exportJWK(publicKey)), ...labels },
    createdAt: now,
  };
}

/** The first key set of a new issuer: one key signing now and one published, waiting its turn. */
export async function initialKeys(now: number = Date.now()): Promise<SigningKey[]> {
  const [first, second] = await Promise.all([generateSigningKey(now), generateSigningKey(now)]);
  return [{ ...first, status: "current", activatedAt: now }, second];
}

/**
 * Returns the key set after one rotation, leaving `keys` untouched: `next` becomes `current`, the
 * old `current` is retired until `now + maxTokenLifetimeMs`, retired keys past their time are
 * dropped and a fresh `next` is generated. Rotate no more often than clients cache the JWKS, or a
 * promoted key may sign before a client has fetched it.
 */
export async function rotateKeys(
  keys: readonly SigningKey[],
  options: RotationOptions,
): Promise<SigningKey[]> {
  const { now, maxTokenLifetimeMs } = options;
  const next = onlyKeyWithStatus(keys, "next");
  const current = onlyKeyWithStatus(keys, "current");
  const stillNeeded = keys.filter(
    (key): key is RetiredSigningKey => key.status === "retired" && key.removeAfter > now,
  );
  const retired: RetiredSigningKey = {
    ...current,
    status: "retired",
    retiredAt: now,
    removeAfter: now + maxTokenLifetimeMs,
  };
  const promoted: CurrentSigningKey = { ...next, status: "current", activatedAt: now };
  return [await generateSigningKey(now), promoted, retired, ...stillNeeded];
}

/** The key that signs new tokens. Throws if the set does not have exactly one. */
export function currentKey(keys: readonly SigningKey[]): CurrentSigningKey {
  return onlyKeyWithStatus(keys, "current");
}

/** The JWKS document: public members of the next, current and still-needed retired keys. */
export function publicJwks(keys: readonly SigningKey[], now: number = Date.now()): JSONWebKeySet {
  const published = keys.filter((key) => key.status !== "retired" || key.removeAfter > now);
  return { keys: published.map((key) => publicMembers(key.publicJwk)) };
}

function publicMembers(jwk: JWK): JWK {
  const record: Record<string, unknown> = { ...jwk };
  return Object.fromEntries(
    PUBLIC_MEMBERS.filter((name) => name in record).map((name) => [name, record[name]]),
  );
}

type KeyWithStatus<S extends SigningKey["status"]> = Extract<SigningKey, { status: S }>;

// A stored key set with two current (or no next) keys is corrupt; rotating it would guess.
function onlyKeyWithStatus<S extends SigningKey["status"]>(
  keys: readonly SigningKey[],
  status: S,
): KeyWithStatus<S> {
  const matches = keys.filter((key): key is KeyWithStatus<S> => key.status === status);
  const [only] = matches;
  if (matches.length !== 1 || only === undefined) {
    throw new Error(`expected exactly one "${status}" signing key, found ${matches.length}`);
  }
  return only;
}
