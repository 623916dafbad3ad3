import { z } from "@hono/zod-openapi";

/** The browser's PublicKeyCredential as JSON; @simplewebauthn/server checks the rest of its shape. */
export const CredentialJson = z
  .object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal("public-key"),
  })
  .passthrough()
  .openapi("WebAuthnCredentialJson", {
    description: "The browser's PublicKeyCredential, JSON-encoded (binary fields as base64url).",
  });

const ChallengeId = z.string().max(64).openapi({ example: "wch_01JD3S7ZQ8V2C4K6M9N1P5R7T3" });

export const CeremonyOptions = z
  .object({
    challengeId: ChallengeId,
    options: z
      .record(z.string(), z.unknown())
      .openapi({ description: "PublicKeyCredential options as JSON (binary fields as base64url)." }),
  })
  .openapi("WebAuthnOptions");

/** The options endpoints take no input; the empty object keeps them JSON-only. */
export const NoInput = z.object({}).strict().openapi("WebAuthnOptionsRequest");

export const RegistrationVerifyBody = z
  .object({
    challengeId: ChallengeId,
    response: CredentialJson,
    name: z.string().trim().min(1).max(60).optional().openapi({ example: "Laptop" }),
  })
  .strict()
  .openapi("PasskeyRegistration");

export const PasskeyRegistered = z.object({ id: z.string() }).openapi("PasskeyRegistered");

export const AuthenticationVerifyBody = z
  .object({
    challengeId: ChallengeId,
    response: CredentialJson,
    authorization: z.record(z.string(), z.string().max(2048)).openapi({
      description:
        "The login form's authorization request parameters (client_id, redirect_uri, scope, state, nonce, code_challenge, …).",
    }),
  })
  .strict()
  .openapi("PasskeySignIn");

export const PasskeySignedIn = z
  .object({ redirectTo: z.string().openapi({ description: "The client's redirect URI with a code." }) })
  .openapi("PasskeySignedIn");
