import { err, fromBase64Url, ok, type Result, toBase64Url } from "@fun/core";
import type { CoreDb } from "@fun/db";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { isActiveAccount } from "../oauth/oauth.repo";
import {
  accountEmail,
  consumeChallenge,
  findPasskey,
  insertPasskey,
  passkeysOf,
  recordUse,
  storeChallenge,
} from "./passkeys.repo";
import type { RelyingParty } from "./relying-party";

/** Why a ceremony failed; `reason` is for the log only, the caller hears something generic. */
export interface PasskeyFailure<C extends string> {
  code: C;
  reason: string;
}

export type RegistrationFailure = "challenge_unusable" | "not_verified" | "already_registered";
export type SignInFailure = "challenge_unusable" | "not_verified";

export interface CeremonyStart {
  challengeId: string;
  /** The JSON options for navigator.credentials.create()/get(). */
  options: Record<string, unknown>;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/** Options to add a discoverable passkey to the account, its challenge kept for five minutes. */
export async function startRegistration(
  db: CoreDb,
  rp: RelyingParty,
  accountId: string,
): Promise<CeremonyStart> {
  const [existing, email] = await Promise.all([passkeysOf(db, accountId), accountEmail(db, accountId)]);
  const options = await generateRegistrationOptions({
    rpName: "FUN",
    rpID: rp.rpID,
    userName: email ?? accountId,
    // The user handle the authenticator returns at sign-in: the account id's bytes.
    userID: new Uint8Array(new TextEncoder().encode(accountId)),
    attestationType: "none",
    excludeCredentials: existing.map((key) => ({ id: key.id, transports: key.transports })),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  const challengeId = await storeChallenge(db, "registration", options.challenge, accountId);
  return { challengeId, options: options as unknown as Record<string, unknown> };
}

/** Checks the new credential against the account's own unexpired challenge and stores it. */
export async function finishRegistration(
  db: CoreDb,
  rp: RelyingParty,
  accountId: string,
  input: { challengeId: string; response: unknown; name?: string | undefined },
  now = Date.now(),
): Promise<Result<{ id: string }, PasskeyFailure<RegistrationFailure>>> {
  const challenge = await consumeChallenge(db, input.challengeId, "registration", accountId);
  if (!challenge) return err({ code: "challenge_unusable", reason: "unknown, used, expired or another's" });
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
  } catch (error) {
    return err({ code: "not_verified", reason: describe(error) });
  }
  if (!verified.verified) return err({ code: "not_verified", reason: "attestation did not verify" });
  const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
  const stored = await insertPasskey(db, {
    id: credential.id,
    accountId,
    publicKey: toBase64Url(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? [],
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
    name: input.name ?? null,
    createdAt: now,
  });
  if (!stored) return err({ code: "already_registered", reason: `credential ${credential.id}` });
  return ok({ id: credential.id });
}

/** Options to sign in with any passkey for this RP (discoverable: no allowCredentials). */
export async function startAuthentication(db: CoreDb, rp: RelyingParty): Promise<CeremonyStart> {
  const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: "preferred" });
  const challengeId = await storeChallenge(db, "authentication", options.challenge, null);
  return { challengeId, options: options as unknown as Record<string, unknown> };
}

/**
 * Verifies a passkey assertion and answers whose it is with the authentication methods it proves.
 * The signature counter must move forward (unless the authenticator keeps none): a counter that
 * did not is a cloned key, refused. A disabled account is refused like an unknown key.
 */
export async function verifyPasskeySignIn(
  db: CoreDb,
  rp: RelyingParty,
  input: { challengeId: string; response: { id: string } },
): Promise<Result<{ accountId: string; amr: string[] }, PasskeyFailure<SignInFailure>>> {
  const challenge = await consumeChallenge(db, input.challengeId, "authentication", null);
  if (!challenge) return err({ code: "challenge_unusable", reason: "unknown, used or expired" });
  const stored = await findPasskey(db, input.response.id);
  if (!stored) return err({ code: "not_verified", reason: "unknown credential" });
  const response = input.response as AuthenticationResponseJSON;
  const userHandle = response.response?.userHandle;
  if (userHandle && !sameAccount(userHandle, stored.accountId)) {
    return err({ code: "not_verified", reason: "user handle is another account's" });
  }
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: {
        id: stored.id,
        publicKey: new Uint8Array(fromBase64Url(stored.publicKey)),
        counter: stored.counter,
        transports: stored.transports,
      },
      requireUserVerification: false,
    });
  } catch (error) {
    // A bad signature, another origin or RP, or a counter that did not increase.
    return err({ code: "not_verified", reason: describe(error) });
  }
  if (!verified.verified) return err({ code: "not_verified", reason: "signature did not verify" });
  if (!(await isActiveAccount(db, stored.accountId))) {
    return err({ code: "not_verified", reason: "account not active" });
  }
  const { newCounter, userVerified } = verified.authenticationInfo;
  if (!(await recordUse(db, stored.id, stored.counter, newCounter))) {
    return err({ code: "not_verified", reason: "counter moved by a concurrent use" });
  }
  return ok({ accountId: stored.accountId, amr: userVerified ? ["hwk", "user"] : ["hwk"] });
}

function sameAccount(userHandle: string, accountId: string): boolean {
  try {
    return isoBase64URL.toUTF8String(userHandle) === accountId;
  } catch {
    return false;
  }
}
