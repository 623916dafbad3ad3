import { ApiError, defineRoute, type ProblemCode, problemDoc } from "@fun/http";
import type { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../context";
import { authorizationParameters, parseAuthorizationRequest } from "../oauth/authorization-request";
import { completeSignInLocation } from "../oauth/authorize.route";
import { currentIssuerSession } from "../oauth/issuer-session";
import {
  AuthenticationVerifyBody,
  CeremonyOptions,
  NoInput,
  PasskeyRegistered,
  PasskeySignedIn,
  RegistrationVerifyBody,
} from "./passkeys.schema";
import {
  finishRegistration,
  type PasskeyFailure,
  startAuthentication,
  startRegistration,
  verifyPasskeySignIn,
} from "./passkeys.service";
import { passkeyCallsOnly, relyingParty } from "./relying-party";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: true, ...json(schema) } });
const NOT_OWN_PAGE = problemDoc("Not from the auth host's own page: another Origin, or not JSON.");
const SIGNED_OUT = problemDoc("Nobody is signed in on the auth host in this browser.");

const guarded = {
  tags: ["Identity"],
  middleware: passkeyCallsOnly,
  description:
    "Auth host only (404 elsewhere). Called by the auth host's own pages: the `Origin` must be the issuer's origin and the body `application/json`, else 403.",
};

const routes = {
  registrationOptions: defineRoute({
    ...guarded,
    method: "post",
    path: "/webauthn/registration/options",
    summary: "Options to add a passkey to the account signed in on the auth host",
    request: jsonBody(NoInput),
    responses: {
      200: { description: "For navigator.credentials.create().", ...json(CeremonyOptions) },
      401: SIGNED_OUT,
      403: NOT_OWN_PAGE,
    },
  }),
  registrationVerify: defineRoute({
    ...guarded,
    method: "post",
    path: "/webauthn/registration/verify",
    summary: "Stores the new passkey once its attestation checks out",
    request: jsonBody(RegistrationVerifyBody),
    responses: {
      201: { description: "Stored.", ...json(PasskeyRegistered) },
      401: SIGNED_OUT,
      403: NOT_OWN_PAGE,
      409: problemDoc("That credential is registered already."),
    },
  }),
  authenticationOptions: defineRoute({
    ...guarded,
    method: "post",
    path: "/webauthn/authentication/options",
    summary: "Options to sign in with a passkey (discoverable credentials)",
    request: jsonBody(NoInput),
    responses: {
      200: { description: "For navigator.credentials.get().", ...json(CeremonyOptions) },
      403: NOT_OWN_PAGE,
    },
  }),
  authenticationVerify: defineRoute({
    ...guarded,
    method: "post",
    path: "/webauthn/authentication/verify",
    summary: "Signs in with a passkey and answers where the pending authorization request continues",
    request: jsonBody(AuthenticationVerifyBody),
    responses: {
      200: { description: "Signed in: the client's redirect URI with a code.", ...json(PasskeySignedIn) },
      400: problemDoc("The authorization request or the challenge is not usable."),
      401: problemDoc("That passkey could not sign anyone in."),
      403: NOT_OWN_PAGE,
    },
  }),
};

async function signedInAccount(c: Context<GatewayEnv>): Promise<string> {
  const signedIn = await currentIssuerSession(c);
  if (!signedIn) throw new ApiError("unauthenticated", "Sign in on the auth host before adding a passkey.");
  c.get("logFields").account = signedIn.accountId;
  return signedIn.accountId;
}

const CHALLENGE_UNUSABLE = [
  "bad_request",
  "The challenge is unknown, used or expired; start again.",
] as const;

/** The caller hears a generic detail per failure; what actually went wrong goes to the log. */
const REFUSALS = {
  registration: {
    challenge_unusable: CHALLENGE_UNUSABLE,
    not_verified: ["bad_request", "The passkey could not be verified."],
    already_registered: ["conflict", "This passkey is already registered."],
  },
  signIn: {
    challenge_unusable: CHALLENGE_UNUSABLE,
    not_verified: ["unauthenticated", "That passkey could not sign you in."],
  },
} as const satisfies Record<string, Record<string, readonly [ProblemCode, string]>>;

function refused<C extends string>(
  refusals: Record<C, readonly [ProblemCode, string]>,
  failure: PasskeyFailure<C>,
): ApiError {
  const [code, detail] = refusals[failure.code];
  return new ApiError(code, detail, { internalReason: `${failure.code}: ${failure.reason}` });
}

/** The passkey JSON endpoints on the auth host: adding a passkey, and signing in with one. */
export function registerPasskeys(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(routes.registrationOptions, async (c) => {
    const accountId = await signedInAccount(c);
    return c.json(await startRegistration(c.get("services").db, relyingParty(c.env), accountId), 200);
  });

  app.openapi(routes.registrationVerify, async (c) => {
    const accountId = await signedInAccount(c);
    const result = await finishRegistration(
      c.get("services").db,
      relyingParty(c.env),
      accountId,
      c.req.valid("json"),
    );
    if (!result.ok) throw refused(REFUSALS.registration, result.error);
    return c.json(result.value, 201);
  });

  app.openapi(routes.authenticationOptions, async (c) => {
    return c.json(await startAuthentication(c.get("services").db, relyingParty(c.env)), 200);
  });

  app.openapi(routes.authenticationVerify, async (c) => {
    const db = c.get("services").db;
    const body = c.req.valid("json");
    // Object keys cannot repeat, so reading them cannot fail; validating them can.
    const read = authorizationParameters(Object.entries(body.authorization));
    const pending = read.ok ? await parseAuthorizationRequest(db, read.params) : undefined;
    if (!pending?.ok) {
      const reason = !pending
        ? "repeated parameter"
        : pending.redirect
          ? pending.description
          : pending.detail;
      throw new ApiError("bad_request", "The authorization request is not valid.", {
        internalReason: reason,
      });
    }
    c.get("logFields").client = pending.client.id;
    const result = await verifyPasskeySignIn(db, relyingParty(c.env), body);
    if (!result.ok) throw refused(REFUSALS.signIn, result.error);
    const { accountId, amr } = result.value;
    return c.json({ redirectTo: await completeSignInLocation(c, accountId, amr, pending) }, 200);
  });
}
