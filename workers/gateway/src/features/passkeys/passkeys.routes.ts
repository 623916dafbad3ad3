import { fromBase64Url, toBase64Url } from "@fun/core";
import { passkey } from "@fun/db";
import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { authorizationParameters, parseAuthorizationRequest } from "../oauth/authorization-request";
import { completeSignInLocation } from "../oauth/authorize.route";
import { currentIssuerSession } from "../oauth/issuer-session";
import { isActiveAccount } from "../oauth/oauth.repo";
import { consumeChallenge, findPasskey, passkeysOf, recordUse, storeChallenge } from "./passkeys.repo";

/** The relying party is the auth host: one passkey signs in to every brand. */
function relyingParty(env: Env) {
  const issuer = new URL(env.AUTH_ISSUER);
  return { rpID: issuer.hostname, origin: issuer.origin };
}

/**
 * These endpoints are called by the auth host's own pages: a JSON body (zod refuses other types)
 * sent from the auth host's origin. Another site can make a browser send neither.
 */
function sameOriginOnly(c: Context<GatewayEnv>) {
  if (c.get("host").kind !== "auth") throw new ApiError("not_found", "Passkeys live on the auth host.");
  if (c.req.header("origin") !== relyingParty(c.env).origin) {
    throw new ApiError("forbidden", "Passkey calls come from the auth host's own pages.");
  }
}

const Credential = z
  .object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal("public-key"),
  })
  .passthrough()
  .openapi("WebAuthnCredentialJson", {
    description: "The browser's PublicKeyCredential, JSON-encoded (base64url fields).",
  });

const Options = z
  .object({ challengeId: z.string(), options: z.record(z.string(), z.unknown()) })
  .openapi("WebAuthnOptions");

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

const routes = {
  registrationOptions: defineRoute({
    method: "post",
    path: "/webauthn/registration/options",
    tags: ["Identity"],
    summary: "Options to add a passkey to the account signed in on the auth host",
    request: jsonBody(z.object({}).strict()),
    responses: {
      200: {
        description: "For navigator.credentials.create().",
        content: { "application/json": { schema: Options } },
      },
    },
  }),
  registrationVerify: defineRoute({
    method: "post",
    path: "/webauthn/registration/verify",
    tags: ["Identity"],
    summary: "Stores the new passkey once its attestation checks out",
    request: jsonBody(
      z
        .object({
          challengeId: z.string().max(64),
          response: Credential,
          name: z.string().max(60).optional(),
        })
        .strict(),
    ),
    responses: {
      201: {
        description: "Stored.",
        content: {
          "application/json": { schema: z.object({ id: z.string() }).openapi("PasskeyRegistered") },
        },
      },
    },
  }),
  authenticationOptions: defineRoute({
    method: "post",
    path: "/webauthn/authentication/options",
    tags: ["Identity"],
    summary: "Options to sign in with a passkey (discoverable credentials)",
    request: jsonBody(z.object({}).strict()),
    responses: {
      200: {
        description: "For navigator.credentials.get().",
        content: { "application/json": { schema: Options } },
      },
    },
  }),
  authenticationVerify: defineRoute({
    method: "post",
    path: "/webauthn/authentication/verify",
    tags: ["Identity"],
    summary: "Signs in with a passkey and answers where the pending authorization request continues",
    request: jsonBody(
      z
        .object({
          challengeId: z.string().max(64),
          response: Credential,
          authorization: z
            .record(z.string(), z.string().max(2048))
            .openapi({ description: "The login form's authorization fields." }),
        })
        .strict(),
    ),
    responses: {
      200: {
        description: "Signed in: the client's redirect URI with a code.",
        content: {
          "application/json": { schema: z.object({ redirectTo: z.string() }).openapi("PasskeySignedIn") },
        },
      },
    },
  }),
};

export function registerPasskeys(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(routes.registrationOptions, async (c) => {
    sameOriginOnly(c);
    const signedIn = await currentIssuerSession(c);
    if (!signedIn) throw new ApiError("unauthenticated", "Sign in on the auth host before adding a passkey.");
    const db = c.get("services").db;
    const [existing, email] = await Promise.all([
      passkeysOf(db, signedIn.accountId),
      db.query.account.findFirst({
        columns: { email: true },
        where: (a, { eq }) => eq(a.id, signedIn.accountId),
      }),
    ]);
    const { rpID } = relyingParty(c.env);
    const options = await generateRegistrationOptions({
      rpName: "FUN",
      rpID,
      userName: email?.email ?? signedIn.accountId,
      userID: new Uint8Array(new TextEncoder().encode(signedIn.accountId)),
      attestationType: "none",
      excludeCredentials: existing.map((key) => ({ id: key.id, transports: key.transports })),
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    const challengeId = await storeChallenge(db, "registration", options.challenge, signedIn.accountId);
    return c.json({ challengeId, options: options as unknown as Record<string, unknown> }, 200);
  });

  app.openapi(routes.registrationVerify, async (c) => {
    sameOriginOnly(c);
    const signedIn = await currentIssuerSession(c);
    if (!signedIn) throw new ApiError("unauthenticated", "Sign in on the auth host before adding a passkey.");
    const db = c.get("services").db;
    const body = c.req.valid("json");
    const challenge = await consumeChallenge(db, body.challengeId, "registration", signedIn.accountId);
    if (!challenge)
      throw new ApiError("bad_request", "The challenge is unknown, used or expired; start again.");
    const { rpID, origin } = relyingParty(c.env);
    const verified = await verifyRegistrationResponse({
      response: body.response as unknown as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    }).catch((error: unknown) => {
      throw new ApiError(
        "bad_request",
        `The passkey could not be verified: ${error instanceof Error ? error.message : "invalid"}.`,
      );
    });
    if (!verified.verified) throw new ApiError("bad_request", "The passkey could not be verified.");
    const info = verified.registrationInfo;
    if (await findPasskey(db, info.credential.id))
      throw new ApiError("conflict", "This passkey is already registered.");
    await db.insert(passkey).values({
      id: info.credential.id,
      accountId: signedIn.accountId,
      publicKey: toBase64Url(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name: body.name ?? null,
      createdAt: Date.now(),
    });
    return c.json({ id: info.credential.id }, 201);
  });

  app.openapi(routes.authenticationOptions, async (c) => {
    sameOriginOnly(c);
    const options = await generateAuthenticationOptions({
      rpID: relyingParty(c.env).rpID,
      userVerification: "preferred",
    });
    const challengeId = await storeChallenge(c.get("services").db, "authentication", options.challenge, null);
    return c.json({ challengeId, options: options as unknown as Record<string, unknown> }, 200);
  });

  app.openapi(routes.authenticationVerify, async (c) => {
    sameOriginOnly(c);
    const db = c.get("services").db;
    const body = c.req.valid("json");
    const read = authorizationParameters(Object.entries(body.authorization));
    const pending = read.ok ? await parseAuthorizationRequest(db, read.params) : undefined;
    if (!pending?.ok) throw new ApiError("bad_request", "The authorization request is not valid.");
    const challenge = await consumeChallenge(db, body.challengeId, "authentication", null);
    if (!challenge)
      throw new ApiError("bad_request", "The challenge is unknown, used or expired; start again.");
    const refused = new ApiError("unauthenticated", "That passkey could not sign you in.");
    const stored = await findPasskey(db, body.response.id);
    if (!stored) throw refused;
    const { rpID, origin } = relyingParty(c.env);
    const verified = await verifyAuthenticationResponse({
      response: body.response as unknown as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: {
        id: stored.id,
        publicKey: new Uint8Array(fromBase64Url(stored.publicKey)),
        counter: stored.counter,
        transports: stored.transports,
      },
      requireUserVerification: false,
    }).catch(() => {
      // Bad signature, wrong origin or RP, or a counter that went backwards (a cloned key).
      throw refused;
    });
    if (!verified.verified) throw refused;
    const { newCounter, userVerified } = verified.authenticationInfo;
    if (!(await recordUse(db, stored.id, stored.counter, newCounter))) throw refused;
    if (!(await isActiveAccount(db, stored.accountId))) throw refused;
    const amr = userVerified ? ["hwk", "user"] : ["hwk"];
    return c.json({ redirectTo: await completeSignInLocation(c, stored.accountId, amr, pending) }, 200);
  });
}
