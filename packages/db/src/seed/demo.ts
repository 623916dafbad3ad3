import { hashPassword } from "@fun/core/password";
import { insertRow, seedId } from "./sql";
import { ROLES, TENANTS } from "./tenants";

/**
 * Demo people for local development and tests only; never seeded remotely. Inserts are
 * `ON CONFLICT DO NOTHING`, so a re-seed keeps whatever a developer changed (password, bio, presence).
 */

export const DEMO_PASSWORD = "fun-local-demo";

function person(label: string, email: string, handle: string, type: "creator" | "fan" | "staff") {
  return {
    account: { id: seedId("account", `account:${label}`), email },
    profile: { id: seedId("profile", `profile:${label}`), handle, type },
  };
}

export const DEMO_PEOPLE = {
  creator: person("creator", "creator@fun.localhost", "demo_creator", "creator"),
  fan: person("fan", "fan@fun.localhost", "demo_fan", "fan"),
  staff: person("staff", "staff@fun.localhost", "demo_staff", "staff"),
  safety: person("safety", "safety@fun.localhost", "demo_safety", "staff"),
} as const;

export const DEMO_VERIFICATIONS = {
  creatorKyc: { id: seedId("verification", "verification:creator:kyc") },
} as const;

const DISPLAY_NAMES = {
  creator: "Demo Creator",
  fan: "Demo Fan",
  staff: "Demo Staff",
  safety: "Demo Trust & Safety",
} as const;

type Grant = { role: keyof typeof ROLES; tenant: keyof typeof TENANTS | null };
const GRANTS: Record<keyof typeof DEMO_PEOPLE, Grant[]> = {
  creator: [{ role: "creator", tenant: null }],
  fan: [{ role: "fan", tenant: null }],
  staff: Object.keys(TENANTS).map((tenant) => ({ role: "staff", tenant: tenant as keyof typeof TENANTS })),
  // Platform-wide trust & safety: known-bad hash lists and moderation on every brand.
  safety: [{ role: "safety", tenant: null }],
};

/** Staff are present on every brand they moderate, but not listed publicly. */
const VISIBLE = { creator: true, fan: true, staff: false, safety: false } as const;

export async function demoStatements(now: number): Promise<{ core: string[]; compliance: string[] }> {
  const core: string[] = [];
  for (const label of Object.keys(DEMO_PEOPLE) as (keyof typeof DEMO_PEOPLE)[]) {
    const { account, profile } = DEMO_PEOPLE[label];
    // A fresh salt each run is harmless: DO NOTHING keeps the hash already stored.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const accountRow = {
      ...account,
      password_hash: passwordHash,
      status: "active",
      created_at: now,
      updated_at: now,
    };
    core.push(insertRow("account", accountRow, { doNothing: true }));
    core.push(
      insertRow(
        "profile",
        {
          id: profile.id,
          account_id: account.id,
          handle: profile.handle,
          display_name: DISPLAY_NAMES[label],
          bio: `The ${label} account from the local demo seed.`,
          type: profile.type,
          created_at: now,
          updated_at: now,
        },
        { doNothing: true },
      ),
    );
    for (const [slug, tenant] of Object.entries(TENANTS)) {
      const presence = {
        id: seedId("profileTenant", `presence:${label}:${slug}`),
        profile_id: profile.id,
        tenant_id: tenant.id,
        is_visible: VISIBLE[label],
        created_at: now,
      };
      core.push(insertRow("profile_tenant", presence, { doNothing: true }));
    }
    for (const grant of GRANTS[label]) {
      const grantRow = {
        id: seedId("accountRole", `grant:${label}:${grant.role}:${grant.tenant ?? "global"}`),
        account_id: account.id,
        role_id: ROLES[grant.role].id,
        tenant_id: grant.tenant ? TENANTS[grant.tenant].id : null,
        created_at: now,
      };
      core.push(insertRow("account_role", grantRow, { doNothing: true }));
    }
  }

  const kyc = {
    id: DEMO_VERIFICATIONS.creatorKyc.id,
    account_id: DEMO_PEOPLE.creator.account.id,
    vendor: "local-demo",
    vendor_ref: "demo-creator-kyc",
    status: "verified",
    check_type: "KYC",
    result: { decision: "approved", ageOver18: true, source: "demo seed" },
    started_at: now,
    completed_at: now,
  };
  return { core, compliance: [insertRow("identity_verification", kyc, { doNothing: true })] };
}
