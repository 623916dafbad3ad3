import { toBase64Url, toHex } from "@fun/core";

// The secrets of a sign-in in flight. Upstream sign-in (features/upstream) hashes its state the same way.

const digest = (value: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));

/** 32 random bytes, base64url: a state, nonce, PKCE verifier or browser binding. */
export function randomSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** How a state or binding is stored: only its SHA-256, in hex. */
export async function sha256Hex(value: string): Promise<string> {
  return toHex(new Uint8Array(await digest(value)));
}

/** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
export async function pkceChallenge(verifier: string): Promise<string> {
  return toBase64Url(new Uint8Array(await digest(verifier)));
}
