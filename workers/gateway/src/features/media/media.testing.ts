import { env } from "cloudflare:workers";
import { newId } from "@fun/core";
import { SEED } from "@fun/db/seed";
import { accessToken, bearer } from "@fun/testing";

export type Brand = keyof typeof SEED.tenants;

export const as = async (accountId: string, brand: Brand = "girlfanz") =>
  bearer(await accessToken({ accountId, brand }));

/** The 16 slot values the near-duplicate index keeps for a PDQ hash (its 16-bit words, hex order). */
const slots = (hash: string) =>
  Array.from({ length: 16 }, (_, k) => Number.parseInt(hash.slice(k * 4, k * 4 + 4), 16));

/** A hash with its lowest `bits` bits flipped: exactly that far from the original. */
export function flipped(hash: string, bits: number): string {
  return (BigInt(`0x${hash}`) ^ ((1n << BigInt(bits)) - 1n)).toString(16).padStart(64, "0");
}

/**
 * An asset the ingest consumer has fingerprinted and indexed, as rows: its post on `brand`, the asset,
 * a ready fingerprint with this PDQ hash (every dihedral hash the same, for simplicity) and its index row.
 */
export async function fingerprintedAsset(options: {
  owner: string;
  pdq: string;
  brand?: Brand;
  sha256?: string;
  quality?: number;
  indexed?: boolean;
}): Promise<{ assetId: string; contentId: string }> {
  const now = Date.now();
  const tenantId = SEED.tenants[options.brand ?? "girlfanz"].id;
  const assetId = newId("mediaAsset", now);
  const contentId = newId("content", now);
  const quality = options.quality ?? 100;
  const dihedral = Object.fromEntries(
    ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"].map((t) => [t, options.pdq]),
  );
  const statements = [
    env.DB.prepare(
      "INSERT INTO content (id, creator_profile_id, canonical_tenant_id, title, visibility, created_at, updated_at) VALUES (?, ?, ?, 'Photo', 'public', ?, ?)",
    ).bind(contentId, options.owner, tenantId, now, now),
    env.DB.prepare(
      "INSERT INTO media_asset (id, content_id, owner_profile_id, tenant_id, storage_key, mime, bytes, upload_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'image/jpeg', 1000, 'stored', ?, ?)",
    ).bind(assetId, contentId, options.owner, tenantId, `originals/${assetId}`, now, now),
    env.DB.prepare(
      "INSERT INTO media_fingerprint (asset_id, status, sha256, pdq, pdq_quality, pdq_dihedral, mime, bytes, width, height, created_at, updated_at) VALUES (?, 'ready', ?, ?, ?, ?, 'image/jpeg', 1000, 64, 64, ?, ?)",
    ).bind(
      assetId,
      options.sha256 ?? crypto.randomUUID().replaceAll("-", "").repeat(2),
      options.pdq,
      quality,
      JSON.stringify(dihedral),
      now,
      now,
    ),
  ];
  if (options.indexed ?? quality >= 50)
    statements.push(
      env.DB.prepare(
        `INSERT INTO media_pdq_index (subject_id, kind, hash, quality, ${slots(options.pdq)
          .map((_, k) => `s${k}`)
          .join(", ")}, created_at) VALUES (?, 'asset', ?, ?, ${slots(options.pdq).join(", ")}, ?)`,
      ).bind(assetId, options.pdq, quality, now),
    );
  await env.DB.batch(statements);
  return { assetId, contentId };
}

/** A random PDQ hash, far (about 128 bits) from any other. */
export function randomPdq(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}
