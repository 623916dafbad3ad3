import { createCoreDb } from "@fun/db";
import { HostIndex } from "@fun/tenancy";
import { listTenants } from "./tenants.repo";

/** How long an isolate trusts its copy of the tenant table before reading it again. */
export const TENANT_CACHE_TTL_MS = 30_000;

let cached: { index: HostIndex; expiresAt: number } | undefined;
let loading: Promise<HostIndex> | undefined;

function splitHosts(value: string): string[] {
  return value
    .split(",")
    .map((host) => host.trim())
    .filter(Boolean);
}

async function load(env: Env): Promise<HostIndex> {
  const tenants = await listTenants(createCoreDb(env.DB));
  const index = new HostIndex(tenants, {
    authHosts: splitHosts(env.AUTH_HOSTS),
    uploadHosts: splitHosts(env.UPLOAD_HOSTS),
  });
  cached = { index, expiresAt: Date.now() + TENANT_CACHE_TTL_MS };
  return index;
}

/**
 * The host index for this isolate: the tenant table changes rarely and is read on every request, so
 * it is kept in memory for a short while, and concurrent requests share one reload.
 */
export function hostIndex(env: Env): Promise<HostIndex> {
  if (cached && cached.expiresAt > Date.now()) return Promise.resolve(cached.index);
  loading ??= load(env).finally(() => {
    loading = undefined;
  });
  return loading;
}

/** Forgets the cached tenants, so the next request reads them again (after a settings change). */
export function invalidateTenantCache(): void {
  cached = undefined;
}
