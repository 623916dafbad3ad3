import type { Environment, Tenant } from "@fun/tenancy";

export interface PublicUrls {
  web: string;
  api: string;
  media: string;
  auth: string;
}

/**
 * The absolute URLs of a brand, for the environment the request came in on. Locally they keep the
 * scheme and port the request used (`http://pupfanz.localhost:8787`), or `defaultLocalPort` when the
 * Host header names none, so links work from whichever port `wrangler dev` listens on; in
 * production they are https on the configured domains.
 */
export function publicUrls(
  tenant: Tenant,
  environment: Environment,
  request: { url: string; host: string },
  authHost: string,
  defaultLocalPort: string,
): PublicUrls {
  const domains = tenant.settings.domains[environment];
  const local = environment === "local";
  const port = local ? portOf(request.host) || defaultLocalPort : "";
  const scheme = local ? new URL(request.url).protocol : "https:";
  const origin = (hostname: string) => `${scheme}//${hostname}${port ? `:${port}` : ""}`;
  return {
    web: origin(domains.web),
    api: `${origin(domains.api ?? domains.web)}/v1`,
    media: origin(domains.media),
    auth: origin(authHost),
  };
}

function portOf(host: string): string {
  const match = /:(\d+)$/.exec(host);
  return match?.[1] ?? "";
}
