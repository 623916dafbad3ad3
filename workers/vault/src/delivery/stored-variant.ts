import { createCoreDb, type MEDIA_VARIANT_KINDS, mediaVariant } from "@fun/db";
import { and, eq } from "drizzle-orm";
import { findObject } from "../objects/vault-objects";

/** The vault object holding an asset's variant for a brand, if it has been made. */
export async function storedVariant(env: VaultEnv, assetId: string, tenantId: string, kind: string) {
  const variant = await createCoreDb(env.DB)
    .select({ storageKey: mediaVariant.storageKey })
    .from(mediaVariant)
    .where(
      and(
        eq(mediaVariant.assetId, assetId),
        eq(mediaVariant.tenantId, tenantId),
        eq(mediaVariant.kind, kind as (typeof MEDIA_VARIANT_KINDS)[number]),
      ),
    )
    .get();
  return variant ? findObject(env, variant.storageKey) : undefined;
}
