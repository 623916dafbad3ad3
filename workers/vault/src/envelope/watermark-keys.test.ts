import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import VaultWorker from "../index";
import { rotateTenantKeys } from "../keys/rotate-keys";
import { tenantWatermarkKey } from "./keys";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("watermark keys", () => {
  it("are 32 bytes, the same every time, and unrelated across brands and versions", async () => {
    const girl1 = await tenantWatermarkKey(env.VAULT_MASTER_KEY, SEED.tenants.girlfanz.id, 1);
    expect(girl1).toHaveLength(32);
    expect(hex(await tenantWatermarkKey(env.VAULT_MASTER_KEY, SEED.tenants.girlfanz.id, 1))).toBe(hex(girl1));
    const others = [
      await tenantWatermarkKey(env.VAULT_MASTER_KEY, SEED.tenants.pupfanz.id, 1),
      await tenantWatermarkKey(env.VAULT_MASTER_KEY, SEED.tenants.girlfanz.id, 2),
    ];
    for (const other of others) expect(hex(other)).not.toBe(hex(girl1));
    await expect(tenantWatermarkKey(env.VAULT_MASTER_KEY, SEED.tenants.girlfanz.id, 0)).rejects.toThrow(
      RangeError,
    );
  });

  it("follow key rotation: new copies use the new version, every older one stays readable", async () => {
    const vault = new VaultWorker(createExecutionContext(), env);
    const tenantId = SEED.tenants.daddyfanz.id;
    expect((await vault.watermarkKeys(tenantId)).keys.map((k) => k.version)).toEqual([1]);
    const quiet = { ...env, VAULT_REWRAP: { send: async () => {} } as unknown as Queue };
    await rotateTenantKeys(quiet, tenantId, SEED.accounts.staff.id);
    const after = await vault.watermarkKeys(tenantId);
    expect(after.active).toBe(2);
    expect(after.keys.map((k) => k.version)).toEqual([2, 1]);
    expect(hex(after.keys[1]?.key ?? new Uint8Array())).toBe(
      hex(await tenantWatermarkKey(env.VAULT_MASTER_KEY, tenantId, 1)),
    );
  });
});
