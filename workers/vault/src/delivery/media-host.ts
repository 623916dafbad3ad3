import { createCoreDb, listTenants } from "@fun/db";
import { HostDirectory, normaliseHost, type Tenant } from "@fun/tenancy";

let latest: VaultEnv | undefined;
const directory = new HostDirectory(async () => {
  if (!latest) throw new Error("the host directory was read before any request");
  // The vault answers on the brands' media hosts only: no auth or upload hosts.
  return { tenants: await listTenants(createCoreDb(latest.DB)), config: { authHosts: [], uploadHosts: [] } };
});

/** The brand whose media host this is (`media.pupfanz.localhost`), or undefined for any other host. */
export async function mediaHostTenant(env: VaultEnv, host: string): Promise<Tenant | undefined> {
  latest = env;
  const match = (await directory.index()).resolve(normaliseHost(host));
  return match?.kind === "media" ? match.tenant : undefined;
}
