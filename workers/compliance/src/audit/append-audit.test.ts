import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { appendAudit, auditTrail, verifyAuditChain } from "./append-audit";

const entry = (n: number) => ({
  actorAccountId: "acc_01JAAAAAAAAAAAAAAAAAAAAAAA",
  tenantId: null,
  action: "media.preview",
  subjectTable: "media_asset",
  subjectId: `ast_${n}`,
  data: { n, nested: { b: 2, a: 1 } },
});

describe("the audit log", () => {
  it("chains every entry to the one before, also when appended all at once", async () => {
    const first = await appendAudit(env, entry(0));
    await Promise.all(Array.from({ length: 12 }, (_, i) => appendAudit(env, entry(i + 1))));
    const rows = await env.COMPLIANCE_DB.prepare(
      "SELECT id, prev_hash, hash FROM audit_log ORDER BY id",
    ).all<{
      id: number;
      prev_hash: string | null;
      hash: string;
    }>();
    expect(rows.results.length).toBeGreaterThanOrEqual(13);
    expect(rows.results.find((r) => r.id === first.id)?.hash).toBe(first.hash);
    // Every row links to the row before it: no fork.
    for (let i = 1; i < rows.results.length; i++)
      expect(rows.results[i]?.prev_hash).toBe(rows.results[i - 1]?.hash);
    expect(await verifyAuditChain(env)).toEqual([]);
    expect(await auditTrail(env, "media_asset", "ast_3")).toEqual([
      expect.objectContaining({ action: "media.preview", data: { n: 3, nested: { a: 1, b: 2 } } }),
    ]);
  });

  it("cannot be changed, and shows a row slipped in around the chain as a broken link", async () => {
    const { id } = await appendAudit(env, entry(99));
    await expect(
      env.COMPLIANCE_DB.prepare("UPDATE audit_log SET action = 'media.download' WHERE id = ?").bind(id).run(),
    ).rejects.toThrow(/append-only/);
    await expect(
      env.COMPLIANCE_DB.prepare("DELETE FROM audit_log WHERE id = ?").bind(id).run(),
    ).rejects.toThrow(/append-only/);
    const forged = await env.COMPLIANCE_DB.prepare(
      "INSERT INTO audit_log (action, at, prev_hash, hash) VALUES ('media.download', ?, NULL, ?) RETURNING id",
    )
      .bind(Date.now(), "0".repeat(64))
      .first<{ id: number }>();
    expect(await verifyAuditChain(env)).toEqual([forged?.id]);
  });
});
