import { type CoreDb, oidcTransaction } from "@fun/db";
import { and, eq, gt, isNull } from "drizzle-orm";

/**
 * A brand sign-in in flight, one `oidc_transaction` row of kind `brand`. Only hashes of the state
 * and of the browser binding (`fun_oidc`) are stored; `context.returnTo` is the path to go back to.
 */
export interface BrandSignInRecord {
  stateHash: string;
  bindingHash: string;
  tenantId: string;
  clientId: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
  createdAt: number;
  expiresAt: number;
}

export async function insertBrandSignIn(db: CoreDb, record: BrandSignInRecord): Promise<void> {
  const { returnTo, ...row } = record;
  await db.insert(oidcTransaction).values({ ...row, kind: "brand", context: { returnTo } });
}

/**
 * Marks the sign-in consumed and answers it, in one statement so a state works once: it must be
 * this brand's, started by this browser, unused and unexpired. Anything else changes nothing.
 */
export async function consumeBrandSignIn(
  db: CoreDb,
  key: { tenantId: string; stateHash: string; bindingHash: string },
  now: number,
): Promise<BrandSignInRecord | undefined> {
  const [row] = await db
    .update(oidcTransaction)
    .set({ consumedAt: now })
    .where(
      and(
        eq(oidcTransaction.stateHash, key.stateHash),
        eq(oidcTransaction.kind, "brand"),
        eq(oidcTransaction.tenantId, key.tenantId),
        eq(oidcTransaction.bindingHash, key.bindingHash),
        isNull(oidcTransaction.consumedAt),
        gt(oidcTransaction.expiresAt, now),
      ),
    )
    .returning();
  if (!row?.tenantId) return undefined;
  return {
    stateHash: row.stateHash,
    bindingHash: row.bindingHash,
    tenantId: row.tenantId,
    clientId: row.clientId,
    codeVerifier: row.codeVerifier,
    nonce: row.nonce,
    redirectUri: row.redirectUri,
    returnTo: typeof row.context.returnTo === "string" ? row.context.returnTo : "/",
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}
