import { type HostConfig, HostIndex } from "./hosts";
import type { Tenant } from "./settings";

/** How long an isolate trusts its copy of the tenant table before reading it again. */
export const TENANT_CACHE_TTL_MS = 30_000;

/**
 * A worker's host index, kept in memory for a short while: the tenant table changes rarely and is
 * read on every request. Concurrent requests share one reload.
 */
export class HostDirectory {
  #cached: { index: HostIndex; expiresAt: number } | undefined;
  #loading: Promise<HostIndex> | undefined;

  /**
   * `load` reads the tenants and the host config when the cache is cold (the caller's current
   * bindings, so a worker reads through whatever env it was last called with).
   */
  constructor(private readonly load: () => Promise<{ tenants: Tenant[]; config: HostConfig }>) {}

  index(): Promise<HostIndex> {
    if (this.#cached && this.#cached.expiresAt > Date.now()) return Promise.resolve(this.#cached.index);
    this.#loading ??= this.load()
      .then(({ tenants, config }) => {
        const index = new HostIndex(tenants, config);
        this.#cached = { index, expiresAt: Date.now() + TENANT_CACHE_TTL_MS };
        return index;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  /** Forgets the cached tenants, so the next request reads them again (after a settings change). */
  invalidate(): void {
    this.#cached = undefined;
  }
}

/** Host names from a comma-separated setting (`AUTH_HOSTS`, `UPLOAD_HOSTS`). */
export function splitHosts(value: string): string[] {
  return value
    .split(",")
    .map((host) => host.trim())
    .filter(Boolean);
}
