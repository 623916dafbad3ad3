import { WorkerEntrypoint } from "cloudflare:workers";
import { checkD1, checkR2, type HealthReport, type InternalWorker, runHealthChecks } from "@fun/contracts";
import { createCoreDb } from "@fun/db";
import { type ApiEnv, createApi } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerDelivery } from "./delivery/deliver.route";
import { type MediaLinkRequest, signMediaLink } from "./delivery/sign-link";
import { tenantWatermarkKey } from "./envelope/keys";
import { activeVersion, keyStatus } from "./keys/key-versions";
import { consumeRewrap, REWRAP_DEAD_LETTER_QUEUE, REWRAP_QUEUE } from "./keys/rewrap.consumer";
import { rotateTenantKeys } from "./keys/rotate-keys";
import { findObject, readObject, storeObject } from "./objects/vault-objects";

/**
 * The vault worker. Its HTTP side is the delivery path on each brand's media host (token,
 * entitlement, revocation and geo checks, then the decrypted bytes); its RPC side encrypts and signs
 * for the other workers. Delivery and key management arrive with the vault issue.
 */
/**
 * The vault's HTTP app. `extraRoutes` lets the benchmark add its baseline routes before the app's
 * catch-all problem handlers.
 */
export function createVaultApp(options: { extraRoutes?: (app: OpenAPIHono<ApiEnv<VaultEnv>>) => void } = {}) {
  const app = createApi<ApiEnv<VaultEnv>>({
    service: "vault",
    acceptRequestId: true,
  });
  registerDelivery(app);
  options.extraRoutes?.(app);
  return app;
}

const app = createVaultApp();

export default class VaultWorker extends WorkerEntrypoint<VaultEnv> implements InternalWorker {
  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(app.fetch(request, this.env, this.ctx));
  }

  /** Encrypts a stream of exactly `plainSize` bytes into the media bucket for a tenant (src/objects). */
  storeObject(object: Parameters<typeof storeObject>[1]) {
    return storeObject(this.env, object);
  }

  /** A stored object's header (sizes, type, key version), without any key; undefined if none. */
  describeObject(storageKey: string) {
    return findObject(this.env, storageKey);
  }

  /** A stored object's plaintext, streamed and authenticated chunk by chunk; undefined if none. */
  async openObject(storageKey: string): Promise<ReadableStream<Uint8Array> | undefined> {
    const row = await findObject(this.env, storageKey);
    return row ? readObject(this.env, row) : undefined;
  }

  /**
   * A brand's forensic watermark keys for the media worker: every version up to the active one
   * (older marks stay readable after a rotation), the active one marking new renditions.
   */
  async watermarkKeys(
    tenantId: string,
  ): Promise<{ active: number; keys: { version: number; key: Uint8Array }[] }> {
    const active = await activeVersion(createCoreDb(this.env.DB), tenantId);
    const versions = Array.from({ length: active }, (_, i) => active - i);
    const keys = await Promise.all(
      versions.map(async (version) => ({
        version,
        key: await tenantWatermarkKey(this.env.VAULT_MASTER_KEY, tenantId, version),
      })),
    );
    return { active, keys };
  }

  /** A signed link to an asset's variant on a brand's media host, for a viewer entitled to it now. */
  signMediaLink(request: MediaLinkRequest) {
    return signMediaLink(this.env, request);
  }

  /** Starts a tenant's key rotation (new KEK version now; data keys re-wrapped in the background). */
  rotateKeys(tenantId: string, accountId: string) {
    return rotateTenantKeys(this.env, tenantId, accountId);
  }

  /** A tenant's KEK versions and how many objects each still wraps. */
  keyStatus(tenantId: string) {
    return keyStatus(createCoreDb(this.env.DB), tenantId);
  }

  /** The rewrap queue and its dead-letter queue (src/keys/rewrap.consumer.ts). */
  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    if (batch.queue === REWRAP_QUEUE) return consumeRewrap(batch, this.env);
    if (batch.queue === REWRAP_DEAD_LETTER_QUEUE) {
      for (const message of batch.messages) {
        console.error(JSON.stringify({ service: "vault", deadLetter: REWRAP_QUEUE, body: message.body }));
        message.ack();
      }
      return;
    }
    throw new Error(`the vault worker consumes no queue named ${batch.queue}`);
  }

  health(): Promise<HealthReport> {
    return runHealthChecks("vault", {
      db: () => checkD1(this.env.DB),
      mediaBucket: () => checkR2(this.env.MEDIA_BUCKET),
    });
  }
}
