import type { AccessTokenClaims } from "@fun/auth";
import type { CoreDb } from "@fun/db";
import type { OutboxWriter } from "@fun/events";
import type { ApiEnv } from "@fun/http";
import type { Principal } from "@fun/policy";
import type { HostMatch } from "@fun/tenancy";

/** What every gateway request carries once the host is resolved. */
export interface GatewayServices {
  db: CoreDb;
  /** Queues events for the outbox in the caller's batch; the relay sends them after the response. */
  outbox: OutboxWriter;
}

/** Set by `requireAccount`: the verified access token and, once asked for, the caller's grants. */
export interface Authentication {
  claims: AccessTokenClaims;
  principal?: Principal;
}

export type GatewayEnv = ApiEnv<
  Env,
  {
    host: Exclude<HostMatch, { kind: "media" | "upload" }>;
    services: GatewayServices;
    auth: Authentication;
  }
>;
