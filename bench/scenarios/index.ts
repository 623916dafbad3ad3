import { tenantsCurrent } from "./tenants-current";
import type { Scenario } from "./types";

/** Every benchmark scenario, in the order `npm run bench` runs them. Add new ones here. */
export const scenarios: Scenario[] = [tenantsCurrent];
