import { WorkerEntrypoint } from "cloudflare:workers";
import { checkD1, checkR2, type HealthReport, type InternalWorker, runHealthChecks } from "@fun/contracts";
import { type ApiEnv, createApi } from "@fun/http";
import { registerDelivery } from "./delivery/deliver.route";
import { type MediaLinkRequest, signMediaLink } from "./delivery/sign-link";
import { storeObject } from "./objects/vault-objects";

/**
 * The vault worker. Its HTTP side is the delivery path on each brand's media host (token,
 * entitlement, revocation and geo checks, then the decrypted bytes); its RPC side encrypts and signs
 * for the other workers. Delivery and key management arrive with the vault issue.
 */
export function createVaultApp() {
  const app = createApi<ApiEnv<VaultEnv>>({
    service: "vault",
    acceptRequestId: true,
  });
  registerDelivery(app);
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

  /** A signed link to an asset's variant on a brand's media host, for a viewer entitled to it now. */
  signMediaLink(request: MediaLinkRequest) {
    return signMediaLink(this.env, request);
  }

  health(): Promise<HealthReport> {
    return runHealthChecks("vault", {
      db: () => checkD1(this.env.DB),
      mediaBucket: () => checkR2(this.env.MEDIA_BUCKET),
    });
  }
}
