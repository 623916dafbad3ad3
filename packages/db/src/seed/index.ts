import { DEMO_PASSWORD, DEMO_PEOPLE, DEMO_VERIFICATIONS, demoStatements } from "./demo";
import { baseStatements, ROLES, TENANTS } from "./tenants";

export { DEMO_PASSWORD } from "./demo";
export { type Conflict, insertRow, type SqlValue, seedId, sqlLiteral } from "./sql";
export { oauthClients } from "./tenants";

/** IDs (and natural keys) of every seeded row, for code and tests that need to point at them. */
export const SEED = {
  tenants: TENANTS,
  roles: ROLES,
  accounts: {
    creator: DEMO_PEOPLE.creator.account,
    fan: DEMO_PEOPLE.fan.account,
    staff: DEMO_PEOPLE.staff.account,
    safety: DEMO_PEOPLE.safety.account,
  },
  profiles: {
    creator: DEMO_PEOPLE.creator.profile,
    fan: DEMO_PEOPLE.fan.profile,
    staff: DEMO_PEOPLE.staff.profile,
    safety: DEMO_PEOPLE.safety.profile,
  },
  verifications: DEMO_VERIFICATIONS,
  demoPassword: DEMO_PASSWORD,
} as const;

export type SeedStatements = {
  /** For the core database (`DB`, `fun-core`). */
  core: string[];
  /** For the compliance database (`COMPLIANCE_DB`, `fun-compliance`). */
  compliance: string[];
};

/**
 * Idempotent seed SQL for both databases. `demo: false` gives only tenants, roles and the brands'
 * OAuth clients with production redirect URIs, which is safe for production; `demo: true` is the
 * local seed: it adds localhost redirect URIs and the demo accounts. Runs in Node and in workerd alike.
 */
export async function buildSeed(options: { demo: boolean; now?: number }): Promise<SeedStatements> {
  const now = options.now ?? Date.now();
  // Demo seeds are the local ones: only they register localhost redirect URIs.
  const base = baseStatements(now, { local: options.demo });
  if (!options.demo) return { core: base, compliance: [] };
  const demo = await demoStatements(now);
  return { core: [...base, ...demo.core], compliance: demo.compliance };
}
