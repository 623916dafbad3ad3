import { ApiError, defineRoute } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { html } from "hono/html";
import type { GatewayEnv } from "../../context";
import { authPageResponse, themeFor } from "../oauth/auth-page";
import { htmlResponse } from "../oauth/html-route";
import { currentIssuerSession } from "../oauth/issuer-session";
import { WEBAUTHN_SCRIPT_PRELUDE } from "./passkey-sign-in";
import { passkeysOf } from "./passkeys.repo";

const route = defineRoute({
  method: "get",
  path: "/account/passkeys",
  tags: ["Identity"],
  summary: "The signed-in person's passkeys on the auth host, with a button to add one",
  responses: {
    200: htmlResponse("The passkeys and the add button."),
    401: htmlResponse("Nobody is signed in on the auth host in this browser."),
  },
});

/** Creates a passkey with the browser's authenticator and stores it, then reloads the list. */
const REGISTER_SCRIPT = `${WEBAUTHN_SCRIPT_PRELUDE}
(() => {
  const button = document.getElementById("add-passkey");
  const error = document.getElementById("passkey-error");
  if (!window.PublicKeyCredential || !button) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    error.hidden = true;
    try {
      const { challengeId, options } = await post("/webauthn/registration/options", {});
      const credential = await navigator.credentials.create({ publicKey: {
        ...options,
        challenge: bytes(options.challenge),
        user: { ...options.user, id: bytes(options.user.id) },
        excludeCredentials: (options.excludeCredentials || []).map((c) => ({ ...c, id: bytes(c.id) })),
      } });
      const r = credential.response;
      await post("/webauthn/registration/verify", { challengeId, response: {
        id: credential.id, rawId: b64(credential.rawId), type: credential.type,
        clientExtensionResults: credential.getClientExtensionResults(),
        response: { clientDataJSON: b64(r.clientDataJSON), attestationObject: b64(r.attestationObject), transports: r.getTransports ? r.getTransports() : [] },
      } });
      location.reload();
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : "The passkey was not added.";
      error.hidden = false;
    }
  });
})();
`;

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * GET /account/passkeys on the auth host. Signed out, it answers 401 with a page saying to sign in
 * first (there is no pending authorization request to send a login page back to).
 */
export function registerPasskeysPage(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    if (c.get("host").kind !== "auth") throw new ApiError("not_found", "Passkeys live on the auth host.");
    const signedIn = await currentIssuerSession(c);
    const theme = themeFor(undefined);
    if (!signedIn) {
      return authPageResponse(
        c,
        {
          theme,
          title: "Your passkeys",
          body: html`<p class="error">Sign in to a FUN brand in this browser first, then come back here.</p>`,
        },
        401,
      );
    }
    const keys = await passkeysOf(c.get("services").db, signedIn.accountId);
    return authPageResponse(c, {
      theme,
      title: "Your passkeys",
      body: html`<ul>${keys.map((key) => html`<li>${key.name ?? "Passkey"} · added ${day(key.createdAt)}${key.lastUsedAt ? ` · last used ${day(key.lastUsedAt)}` : ""}</li>`)}</ul>
${keys.length === 0 ? html`<p>No passkeys yet.</p>` : ""}
<button type="button" id="add-passkey" hidden>Add a passkey</button>
<p class="error" id="passkey-error" role="alert" hidden></p>`,
      script: REGISTER_SCRIPT,
    });
  });
}
