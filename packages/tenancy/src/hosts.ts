import type { Tenant, TenantDomains } from "./settings";

/**
 * What a request's host means. Every public hostname the platform answers on is one of these; any
 * other host is refused before routing.
 */
export type HostMatch =
  | { kind: "tenant"; tenant: Tenant; environment: Environment }
  | { kind: "media"; tenant: Tenant; environment: Environment }
  | { kind: "auth" }
  | { kind: "upload" };

export type Environment = "local" | "production";

export interface HostConfig {
  /** The OIDC issuer's host(s), e.g. `auth.localhost`, `auth.fun.com`. */
  authHosts: readonly string[];
  /** The direct-upload host(s) served by the media worker. */
  uploadHosts: readonly string[];
}

/** Lower-cases a Host header value and drops its port and any trailing dot. */
export function normaliseHost(host: string): string {
  const withoutPort = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
  return (withoutPort ?? "").toLowerCase().replace(/\.$/, "");
}

/**
 * An index from hostname to what it serves, built once from the tenant table and the host config,
 * so resolving a request is one map lookup.
 */
export class HostIndex {
  readonly #hosts = new Map<string, HostMatch>();
  readonly #tenants = new Map<string, Tenant>();

  constructor(tenants: readonly Tenant[], config: HostConfig) {
    for (const tenant of tenants) this.#tenants.set(tenant.id, tenant);
    for (const host of config.authHosts) this.#hosts.set(normaliseHost(host), { kind: "auth" });
    for (const host of config.uploadHosts) this.#hosts.set(normaliseHost(host), { kind: "upload" });
    for (const tenant of tenants) {
      for (const environment of ["local", "production"] as const) {
        const domains: TenantDomains = tenant.settings.domains[environment];
        this.#hosts.set(domains.web, { kind: "tenant", tenant, environment });
        if (domains.api) this.#hosts.set(domains.api, { kind: "tenant", tenant, environment });
        this.#hosts.set(domains.media, { kind: "media", tenant, environment });
      }
    }
  }

  /** What the given Host header value serves, or undefined for a host we do not know. */
  resolve(host: string): HostMatch | undefined {
    return this.#hosts.get(normaliseHost(host));
  }

  /** Every brand. */
  tenants(): Tenant[] {
    return [...this.#tenants.values()];
  }

  /** A brand by its slug (`pupfanz`), as API bodies name brands. */
  tenantBySlug(slug: string): Tenant | undefined {
    for (const tenant of this.#tenants.values()) if (tenant.slug === slug) return tenant;
    return undefined;
  }

  /** A brand by its id (e.g. the brand of an OAuth client, to theme the auth host's pages). */
  tenant(id: string): Tenant | undefined {
    return this.#tenants.get(id);
  }
}
