import type { Tenant } from "@fun/tenancy";
import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** The look of an auth-host page: the brand of the client that asked, or the platform's own. */
export interface PageTheme {
  name: string;
  primary: string;
  accent: string;
  background: string;
  text: string;
  tagline: string;
}

const PLATFORM_THEME: PageTheme = {
  name: "FUN",
  primary: "#6d28d9",
  accent: "#f59e0b",
  background: "#0f0d14",
  text: "#f5f3ff",
  tagline: "One account for GirlFanz, PupFanz and DaddyFanz.",
};

export function themeFor(tenant: Tenant | undefined): PageTheme {
  return tenant ? { name: tenant.name, ...tenant.settings.theme } : PLATFORM_THEME;
}

type Markup = HtmlEscapedString | Promise<HtmlEscapedString> | string;

export interface AuthPage {
  theme: PageTheme;
  title: string;
  /** The page's content; escape user data with hono's `html` template. */
  body: Markup;
  /** A script for the page; it runs under a per-response CSP nonce. */
  script?: string;
}

function renderAuthPage(page: AuthPage, nonce: string) {
  const { theme } = page;
  // Theme colours are validated #rrggbb values from tenant settings, safe to place in CSS.
  const css = `:root{--primary:${theme.primary};--accent:${theme.accent};--bg:${theme.background};--text:${theme.text}}${STYLE}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${theme.name}</title>
<style nonce="${nonce}">${raw(css)}</style>
</head>
<body>
<main>
<header><p class="brand">${theme.name}</p><p class="tagline">${theme.tagline}</p></header>
<h1>${page.title}</h1>
${page.body}
</main>
${page.script ? html`<script nonce="${nonce}">${raw(page.script)}</script>` : ""}
</body>
</html>`;
}

/**
 * Answers with an auth-host page: no caching, no framing (clickjacking on a login form), no
 * referrer (the URL may hold an authorization request), and scripts and styles only by nonce.
 */
export async function authPageResponse(
  c: Context,
  page: AuthPage,
  status: 200 | 400 | 401 | 403 | 404 | 429 = 200,
): Promise<Response> {
  const nonce = crypto.randomUUID().replaceAll("-", "");
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
  );
  return c.html(await renderAuthPage(page, nonce), status);
}

/** A short page that explains why the request cannot go on (and never redirects anywhere). */
export function authErrorPage(
  c: Context,
  theme: PageTheme,
  title: string,
  detail: string,
  status: 400 | 403 | 404 | 429,
) {
  return authPageResponse(
    c,
    { theme, title, body: html`<p class="error" role="alert">${detail}</p>` },
    status,
  );
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,sans-serif}
main{width:min(26rem,92vw);padding:2rem;border-radius:14px;background:color-mix(in srgb,var(--bg) 85%,#fff);box-shadow:0 10px 40px #0008}
header .brand{margin:0;font-weight:800;font-size:1.6rem;color:var(--primary)}header .tagline{margin:0 0 1rem;opacity:.8}
h1{font-size:1.2rem;margin:.5rem 0 1rem}label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input[type=email],input[type=password],input[type=text]{width:100%;padding:.6rem .7rem;border-radius:8px;border:1px solid #fff3;background:#0003;color:inherit;font:inherit}
button{margin-top:1rem;width:100%;padding:.7rem;border:0;border-radius:8px;background:var(--primary);color:#fff;font:inherit;font-weight:700;cursor:pointer}
button.secondary{background:transparent;border:1px solid var(--accent);color:var(--accent)}
a{color:var(--accent)}.error{padding:.6rem .8rem;border-radius:8px;background:#b91c1c33;border:1px solid #f87171}
.notice{padding:.6rem .8rem;border-radius:8px;background:#15803d33;border:1px solid #4ade80}.links{margin-top:1rem;font-size:.9rem;display:flex;justify-content:space-between;gap:1rem}
`;
