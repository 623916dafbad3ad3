/** One role held by an account: everywhere (`tenantId` null) or on one brand. */
export interface Grant {
  role: string;
  permissions: readonly string[];
  tenantId: string | null;
}

/** Who is asking: the account, its profile, and every role it holds. */
export interface Principal {
  accountId: string;
  profileId: string | null;
  grants: readonly Grant[];
}

/**
 * The permissions a principal holds on one brand (RBAC): its global grants plus the grants scoped to
 * that brand. A staff role on pupfanz gives nothing on girlfanz.
 */
export function permissionsOn(principal: Principal, tenantId: string): ReadonlySet<string> {
  const permissions = new Set<string>();
  for (const grant of principal.grants) {
    if (grant.tenantId === null || grant.tenantId === tenantId) {
      for (const permission of grant.permissions) permissions.add(permission);
    }
  }
  return permissions;
}

/** Whether the principal holds `permission` on the brand. */
export function hasPermission(principal: Principal, permission: string, tenantId: string): boolean {
  return permissionsOn(principal, tenantId).has(permission);
}
