import { z } from "@hono/zod-openapi";

export const StartSignInBody = z
  .object({
    prompt: z.enum(["none", "login"]).optional().openapi({
      description:
        "`none`: the silent hop from another brand (no form; `login_required` if nobody is signed in on the issuer). `login`: ask for the password again.",
    }),
    returnTo: z.string().max(2048).optional().openapi({
      description: 'A path on this brand to come back to; anything else becomes "/".',
      example: "/feed",
    }),
  })
  .strict()
  .openapi("BrandSignInRequest");

export const StartedSignIn = z
  .object({
    authorizationUrl: z.string().openapi({ description: "Where to send the browser, top-level." }),
    state: z.string().openapi({ description: "Echoed by the issuer to the callback." }),
    expiresIn: z.number().int().openapi({ description: "Seconds left to finish the sign-in.", example: 600 }),
  })
  .openapi("BrandSignInStart");

/** What the issuer sends back to the registered redirect URI (RFC 6749 §4.1.2, RFC 9207 `iss`). */
export const CallbackParams = z.object({
  code: z.string().max(512).optional(),
  state: z.string().min(1).max(512),
  iss: z.string().max(512).optional().openapi({ description: "The issuer that answered (RFC 9207)." }),
  error: z.string().max(128).optional().openapi({ example: "login_required" }),
  error_description: z.string().max(1024).optional(),
});

export const TokenRequest = z
  .discriminatedUnion("grant_type", [
    z
      .object({
        grant_type: z.literal("refresh_token"),
        refreshToken: z.string().min(1).max(512).optional().openapi({
          description: "Omit on the brand's web pages: the fun_session cookie is used and rotated.",
        }),
      })
      .strict(),
    z
      .object({
        grant_type: z.literal("authorization_code"),
        code: z.string().min(1).max(512),
        codeVerifier: z.string().min(43).max(128).openapi({ description: "The PKCE verifier (RFC 7636)." }),
        redirectUri: z.string().min(1).max(2048),
      })
      .strict(),
  ])
  .openapi("BrandTokenRequest");

export const TokenExchangeRequest = z
  .object({
    subjectToken: z
      .string()
      .min(1)
      .max(4096)
      .openapi({ description: "An unexpired access token issued for another brand." }),
  })
  .strict()
  .openapi("BrandTokenExchange");

export const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ example: 300 }),
    scope: z.string().openapi({ example: "openid profile email" }),
    refresh_token: z.string().optional(),
    id_token: z.string().optional(),
    issued_token_type: z.string().optional(),
  })
  .openapi("BrandTokenResponse");

export const tokensResponse = {
  description:
    "Tokens for this brand (RFC 6749 §5.1 shape). The refresh token is also set as the brand's HttpOnly fun_session cookie for its web pages.",
  content: { "application/json": { schema: TokenResponse } },
};
