import { createCoreDb } from "@fun/db";
import { keyStatus, startRotation } from "./key-versions";
import type { RewrapMessage } from "./rewrap.consumer";

/**
 * Starts a tenant's key rotation: a new KEK version wraps new objects from now on, and the rewrap
 * queue re-wraps every existing object's data key in the background (`keyStatus` shows progress).
 */
export async function rotateTenantKeys(env: VaultEnv, tenantId: string, accountId: string, now = Date.now()) {
  const db = createCoreDb(env.DB);
  const { from, to } = await startRotation(db, tenantId, accountId, now);
  const message: RewrapMessage = { tenantId, from, to };
  await env.VAULT_REWRAP.send(message, { contentType: "json" });
  return { from, to, versions: await keyStatus(db, tenantId) };
}
