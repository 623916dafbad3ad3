import type { D1Migration } from "cloudflare:test";

declare global {
  /** Bindings the vitest config adds to every worker under test. */
  interface TestBindings {
    TEST_CORE_MIGRATIONS: D1Migration[];
    TEST_COMPLIANCE_MIGRATIONS: D1Migration[];
    TEST_SEED: { core: string[]; compliance: string[] };
  }
}
