import { createCoreDb, listTenants } from "@fun/db";
import { HostDirectory, type HostIndex, splitHosts } from "@fun/tenancy";

let latest: Env | undefined;
const directory = new HostDirectory(async () => {
  if (!latest) throw new Error("the host directory was read before any request");
  return {
    tenants: await listTenants(createCoreDb(latest.DB)),
    config: { authHosts: splitHosts(latest.AUTH_HOSTS), uploadHosts: splitHosts(latest.UPLOAD_HOSTS) },
  };
});

/** The gateway's host index: every brand's hosts, the auth hosts and the upload hosts (cached briefly). */
export function hostIndex(env: Env): Promise<HostIndex> {
  latest = env;
  return directory.index();
}

/** Forgets the cached tenants, so the next request reads them again (after a settings change). */
export function invalidateTenantCache(): void {
  directory.invalidate();
}
