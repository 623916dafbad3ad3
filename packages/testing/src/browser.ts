import { toBase64Url } from "@fun/core";
import { callWorker, type GatewayRequestInit } from "./index";

/**
 * A browser for tests of the auth host's pages: it keeps cookies per host (as a browser would, by
 * name, honouring deletion), sends them back, and never follows redirects, so tests see each hop.
 */
export class TestBrowser {
  readonly #jar = new Map<string, Map<string, string>>();

  /**
   * `send` delivers a request for `path` on `host`; by default the worker under test's own entry
   * point. A test that runs the app with other vars passes its own.
   */
  constructor(
    readonly userAgent = "vitest-browser",
    private readonly send: (path: string, init: GatewayRequestInit) => Promise<Response> = callWorker,
  ) {}

  /** Sends a request to `url` (its host picks the brand or auth host) with this browser's cookies. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookies = this.#jar.get(target.hostname);
    if (cookies?.size)
      headers.set("cookie", [...cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    if (!headers.has("user-agent")) headers.set("user-agent", this.userAgent);
    const response = await this.send(`${target.pathname}${target.search}`, {
      ...init,
      headers,
      host: target.hostname,
      redirect: "manual",
    });
    this.#store(target.hostname, response.headers.getSetCookie());
    return response;
  }

  /** Posts a form the way a browser submits `<form method="post">`, from a page on `url`'s origin. */
  postForm(
    url: string,
    fields: Record<string, string> | [string, string][],
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: new URL(url).origin,
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
  }

  cookie(host: string, name: string): string | undefined {
    return this.#jar.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string): void {
    const cookies = this.#jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.#jar.set(host, cookies);
  }

  #store(host: string, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = "", ...attributes] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      const cookies = this.#jar.get(host) ?? new Map<string, string>();
      if (expired || value === "") cookies.delete(name);
      else cookies.set(name, value);
      this.#jar.set(host, cookies);
    }
  }
}

/** The named inputs of the first `<form>` in an HTML page, hidden fields included, in order. */
export function formFields(page: string): [string, string][] {
  const form = /<form[\s\S]*?<\/form>/i.exec(page)?.[0] ?? "";
  const fields: [string, string][] = [];
  for (const input of form.matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? "";
    if (name) fields.push([decodeEntities(name), decodeEntities(value)]);
  }
  return fields;
}

function decodeEntities(text: string): string {
  return text
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: toBase64Url(new Uint8Array(digest)) };
}
