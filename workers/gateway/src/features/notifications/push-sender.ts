import { ulid } from "@fun/core";
import type { CoreDb } from "@fun/db";
import { insertDevPush } from "./notifications.repo";

/** One push notification to one profile's devices, about one brand. */
export interface PushMessage {
  profileId: string;
  tenantId: string;
  title: string;
  body: string;
  url?: string;
  /**
   * Names the push: sending the same id again delivers it once (the dev log keeps it as the row id;
   * a provider gets it as its collapse / idempotency id). A notification's push uses its id.
   */
  id?: string;
}

/** Delivers push notifications. */
export interface PushSender {
  send(message: PushMessage): Promise<void>;
}

/**
 * Keeps pushes in the `dev_push` table instead of sending them, for `GET auth.localhost/dev/push`:
 * how developers and tests read what the platform would have pushed.
 */
export class DevPushLog implements PushSender {
  constructor(private readonly db: CoreDb) {}

  async send(message: PushMessage): Promise<void> {
    // `psh` is this log's own id prefix (no other table has push ids).
    await insertDevPush(this.db, { ...message, id: message.id ?? `psh_${ulid()}` });
  }
}

/** The `PUSH_DELIVERY` value that stores pushes in the dev push log. */
export const DEV_PUSH = "dev-push";
/** The `PUSH_DELIVERY` value of a deployment without push: notifications stay in the in-app inbox. */
export const PUSH_OFF = "off";

/** Sends nothing, on purpose: push is switched off for this deployment. */
const pushesOff: PushSender = { send: async () => {} };

/**
 * Whether pushes go to the dev push log: asked for, and the issuer is a local one. A deployment that
 * kept the local `PUSH_DELIVERY` by mistake must fail to push rather than pretend it did.
 */
export function devPushEnabled(env: Pick<Env, "PUSH_DELIVERY" | "AUTH_ISSUER">): boolean {
  const host = new URL(env.AUTH_ISSUER).hostname;
  return env.PUSH_DELIVERY === DEV_PUSH && (host === "localhost" || host.endsWith(".localhost"));
}

/**
 * The sender `PUSH_DELIVERY` names: the dev push log, or `off` (no push; the inbox only). Real
 * delivery (Web Push, APNs, FCM) is not built yet, so any other value fails loudly rather than
 * dropping pushes.
 */
export function pushSenderFor(env: Pick<Env, "PUSH_DELIVERY" | "AUTH_ISSUER">, db: CoreDb): PushSender {
  if (env.PUSH_DELIVERY === PUSH_OFF) return pushesOff;
  if (devPushEnabled(env)) return new DevPushLog(db);
  throw new Error(
    `PUSH_DELIVERY is "${env.PUSH_DELIVERY}" with the issuer ${env.AUTH_ISSUER}, but only "${DEV_PUSH}" on a *.localhost issuer is implemented; real push delivery is not built yet.`,
  );
}
