import { accountRole, type CoreDb, profile, role } from "@fun/db";
import { asc, eq } from "drizzle-orm";
import type { Principal } from "./principal";

/**
 * Reads an account's grants and profile. Grants are global or per tenant, so this one query serves
 * every brand; `permissionsOn` then picks what applies on the brand of the request.
 */
export async function loadPrincipal(db: CoreDb, accountId: string): Promise<Principal> {
  const [grants, profiles] = await db.batch([
    db
      .select({ role: role.name, permissions: role.permissions, tenantId: accountRole.tenantId })
      .from(accountRole)
      .innerJoin(role, eq(role.id, accountRole.roleId))
      .where(eq(accountRole.accountId, accountId)),
    db
      .select({ id: profile.id })
      .from(profile)
      .where(eq(profile.accountId, accountId))
      .orderBy(asc(profile.createdAt))
      .limit(1),
  ]);
  return { accountId, profileId: profiles[0]?.id ?? null, grants };
}
