import { hasPermission, type Principal } from "./principal";

/** What a policy can be asked about. Later features add their resource kinds here. */
export type Resource =
  | { kind: "content"; id: string; creatorProfileId: string; tenantIds: readonly string[] }
  /** An uploaded file: its uploader, and the brands it lives on (uploaded through, or published to). */
  | { kind: "asset"; id: string; creatorProfileId: string; tenantIds: readonly string[] }
  | { kind: "profile"; id: string }
  | { kind: "tenant"; id: string }
  /** Platform-wide things no one brand owns (known-bad hash lists). */
  | { kind: "platform" };

export type Action =
  | "content:read-private"
  | "content:update"
  | "content:publish"
  | "content:delete"
  | "content:moderate"
  | "asset:upload"
  | "asset:read"
  | "asset:scan"
  /** Take an asset down everywhere: revoke its links and renditions, refuse its re-upload. */
  | "asset:takedown"
  /** Have a marked copy made for someone (a buyer's own forensic watermark). */
  | "asset:watermark"
  /** Look at an asset without downloading it (compliance review). */
  | "asset:review"
  | "profile:update"
  | "tenant:configure"
  /** Trace an image to the assets it matches (takedowns): staff of the brand. */
  | "media:trace"
  /** Import and read known-bad hash lists: platform-wide, so a brand-scoped staff role is not enough. */
  | "hashlists:manage";

export type Denial = "unauthenticated" | "missing_permission" | "not_owner" | "outside_tenant";

export type Decision = { allowed: true; rule: string } | { allowed: false; reason: Denial };

/** The brand the request came in on: staff scopes and tenant-bound resources are checked against it. */
export interface PolicyContext {
  tenantId: string;
}

type Check<R extends Resource> = (principal: Principal, resource: R, context: PolicyContext) => Decision;

/** A permission held everywhere: a grant scoped to one brand does not reach platform-wide resources. */
function globalGrant(principal: Principal, permission: string): boolean {
  return principal.grants.some((grant) => grant.tenantId === null && grant.permissions.includes(permission));
}

function ownedBy(profileId: string, principal: Principal): boolean {
  return principal.profileId !== null && principal.profileId === profileId;
}

type Owned = Extract<Resource, { kind: "content" | "asset" }>;

/** The owning creator, holding `permission` (ABAC on top of RBAC). */
function owner<R extends Owned>(permission: string, rule: string): Check<R> {
  return (principal, resource, context) => {
    if (!hasPermission(principal, permission, context.tenantId))
      return { allowed: false, reason: "missing_permission" };
    if (!ownedBy(resource.creatorProfileId, principal)) return { allowed: false, reason: "not_owner" };
    return { allowed: true, rule };
  };
}

/** Staff holding `permission` on this brand, for a resource that lives on this brand. */
function staff<R extends Owned>(permission: string, rule: string): Check<R> {
  return (principal, resource, context) => {
    if (!hasPermission(principal, permission, context.tenantId))
      return { allowed: false, reason: "missing_permission" };
    if (!resource.tenantIds.includes(context.tenantId)) return { allowed: false, reason: "outside_tenant" };
    return { allowed: true, rule };
  };
}

/** Trust & safety, holding `permission` platform-wide: reaches every brand's resources. */
function platformStaff<R extends Owned>(permission: string, rule: string): Check<R> {
  return (principal) =>
    globalGrant(principal, permission)
      ? { allowed: true, rule }
      : { allowed: false, reason: "missing_permission" };
}

/** Allowed when any check allows; otherwise the most specific denial (owner mismatch over permission). */
function anyOf<R extends Resource>(...checks: Check<R>[]): Check<R> {
  const precedence: Denial[] = ["not_owner", "outside_tenant", "missing_permission", "unauthenticated"];
  return (principal, resource, context) => {
    const denials: Denial[] = [];
    for (const check of checks) {
      const decision = check(principal, resource, context);
      if (decision.allowed) return decision;
      denials.push(decision.reason);
    }
    return {
      allowed: false,
      reason: precedence.find((reason) => denials.includes(reason)) ?? "missing_permission",
    };
  };
}

const contentPolicies: Record<
  Extract<Action, `content:${string}`>,
  Check<Extract<Resource, { kind: "content" }>>
> = {
  "content:read-private": anyOf(
    owner("content:write", "creator reads own content"),
    staff("moderation:review", "staff reviews content on their brand"),
  ),
  "content:update": anyOf(
    owner("content:write", "creator edits own content"),
    staff("moderation:review", "staff edits content on their brand"),
  ),
  "content:publish": anyOf(
    owner("content:publish", "creator publishes own content"),
    staff("moderation:review", "staff publishes on their brand"),
  ),
  "content:delete": anyOf(
    owner("content:write", "creator deletes own content"),
    staff("moderation:review", "staff removes content on their brand"),
  ),
  "content:moderate": staff("moderation:review", "staff moderates content on their brand"),
};

const assetPolicies: Record<
  Extract<Action, `asset:${string}`>,
  Check<Extract<Resource, { kind: "asset" }>>
> = {
  "asset:upload": owner("media:upload", "creator uploads their own media"),
  "asset:read": anyOf(
    owner("media:upload", "creator reads their own media"),
    staff("moderation:review", "staff reviews media on their brand"),
  ),
  "asset:scan": anyOf(
    owner("media:upload", "creator scans their own media"),
    staff("moderation:review", "staff scans media on their brand"),
  ),
  "asset:takedown": anyOf(
    owner("media:upload", "creator takes down their own media on every brand"),
    staff("moderation:review", "staff take down media on their brand"),
    platformStaff("hashlists:manage", "trust & safety take down media anywhere"),
  ),
  "asset:review": staff("compliance:read", "compliance staff review media on their brand"),
  "asset:watermark": anyOf(
    owner("media:upload", "creator has marked copies of their own media made"),
    staff("moderation:review", "staff have marked copies made on their brand"),
  ),
};

const isAction = <P extends string>(action: Action, prefix: P): action is Extract<Action, `${P}${string}`> =>
  action.startsWith(prefix);

/**
 * The one place that decides whether a principal may do an action to a resource on a brand. Every
 * route asks here (through the gateway's permission middleware) instead of checking roles itself.
 */
export function authorize(
  principal: Principal | null,
  action: Action,
  resource: Resource,
  context: PolicyContext,
): Decision {
  if (!principal) return { allowed: false, reason: "unauthenticated" };
  switch (resource.kind) {
    case "content":
      if (!isAction(action, "content:")) return { allowed: false, reason: "missing_permission" };
      return contentPolicies[action](principal, resource, context);
    case "asset":
      if (!isAction(action, "asset:")) return { allowed: false, reason: "missing_permission" };
      return assetPolicies[action](principal, resource, context);
    case "profile":
      if (action !== "profile:update") return { allowed: false, reason: "missing_permission" };
      return ownedBy(resource.id, principal)
        ? { allowed: true, rule: "a person edits their own profile" }
        : { allowed: false, reason: "not_owner" };
    case "tenant": {
      if (resource.id !== context.tenantId) return { allowed: false, reason: "outside_tenant" };
      const [permission, rule] =
        action === "tenant:configure"
          ? ["tenants:manage", "admin configures the brand"]
          : action === "media:trace"
            ? ["moderation:review", "staff trace images for takedowns on their brand"]
            : [];
      if (!permission || !rule) return { allowed: false, reason: "missing_permission" };
      return hasPermission(principal, permission, context.tenantId)
        ? { allowed: true, rule }
        : { allowed: false, reason: "missing_permission" };
    }
    case "platform":
      if (action !== "hashlists:manage") return { allowed: false, reason: "missing_permission" };
      return globalGrant(principal, "hashlists:manage")
        ? { allowed: true, rule: "trust & safety manages known-bad hash lists" }
        : { allowed: false, reason: "missing_permission" };
  }
}
