import { html } from "hono/html";

/** The login page's passkey section: a button the script below brings to life (without JS it stays inert). */
export function passkeySignInSection() {
  return html`<section class="passkey">
  <button type="button" class="secondary" id="passkey-sign-in" hidden>Sign in with a passkey</button>
  <p class="error" id="passkey-error" role="alert" hidden></p>
</section>`;
}

/**
 * What both passkey scripts need: base64url to bytes and back, and a JSON post that throws the
 * problem's detail. Each script starts with it.
 */
export const WEBAUTHN_SCRIPT_PRELUDE = `
const b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const post = (path, body) => fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  .then(async (r) => { const json = await r.json(); if (!r.ok) throw new Error(json.detail || "The passkey did not work."); return json; });
`;

/**
 * Runs under the page's CSP nonce: asks for options, lets the browser's authenticator sign the
 * challenge, sends the result with the form's authorization fields, and follows the answer.
 */
export const PASSKEY_SIGN_IN_SCRIPT = `${WEBAUTHN_SCRIPT_PRELUDE}
(() => {
  const button = document.getElementById("passkey-sign-in");
  const error = document.getElementById("passkey-error");
  if (!window.PublicKeyCredential || !button) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    error.hidden = true;
    try {
      const { challengeId, options } = await post("/webauthn/authentication/options", {});
      const credential = await navigator.credentials.get({ publicKey: {
        ...options,
        challenge: bytes(options.challenge),
        allowCredentials: (options.allowCredentials || []).map((c) => ({ ...c, id: bytes(c.id) })),
      } });
      const r = credential.response;
      const response = {
        id: credential.id, rawId: b64(credential.rawId), type: credential.type,
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment,
        response: {
          clientDataJSON: b64(r.clientDataJSON), authenticatorData: b64(r.authenticatorData),
          signature: b64(r.signature), userHandle: r.userHandle ? b64(r.userHandle) : undefined,
        },
      };
      const form = document.querySelector('form[action="/authorize"]');
      const authorization = {};
      for (const input of form.querySelectorAll('input[type="hidden"]')) {
        if (input.name !== "csrf_token") authorization[input.name] = input.value;
      }
      const { redirectTo } = await post("/webauthn/authentication/verify", { challengeId, response, authorization });
      location.assign(redirectTo);
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : "The passkey did not work.";
      error.hidden = false;
    }
  });
})();
`;
