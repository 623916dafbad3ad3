import { type Tenant, TenantSettingsSchema } from "@fun/tenancy";
import type { CoreDb } from "./index";
import { tenant } from "./schema/core";

/**
 * Every brand with valid settings. The tenant table is the one table not scoped by tenant: it is the
 * list of tenants. A row whose settings do not parse is left out (and logged) so one bad brand cannot
 * take the others down.
 */
export async function listTenants(db: CoreDb): Promise<Tenant[]> {
  const rows = await db.select().from(tenant);
  const tenants: Tenant[] = [];
  for (const row of rows) {
    const settings = TenantSettingsSchema.safeParse(row.settings);
    if (settings.success) {
      tenants.push({ id: row.id, slug: row.slug, name: row.name, settings: settings.data });
    } else {
      console.error(
        JSON.stringify({
          level: "error",
          message: "tenant settings invalid",
          tenant: row.slug,
          issues: settings.error.issues,
        }),
      );
    }
  }
  return tenants;
}
