import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";

/** Runs against the real compliance migrations (including the append-only triggers) and the demo seed. */
const db = env.COMPLIANCE_DB;
const NOW = 1_800_000_000_000;
let appended = 0;

/** Rows persist between tests in a file, and each chain hash is unique, so every row gets its own. */
function nextHash(): string {
  appended += 1;
  return appended.toString(16).padStart(64, "0");
}

async function appendAuditRow(): Promise<number> {
  const row = await db
    .prepare(
      "insert into audit_log (action, subject_table, subject_id, at, hash) values (?, ?, ?, ?, ?) returning id",
    )
    .bind("content.viewed", "content", "cnt_01JZ0000000000000000000001", NOW, nextHash())
    .first<{ id: number }>();
  if (!row) throw new Error("insert returned no row");
  return row.id;
}

async function appendRecord2257(): Promise<string> {
  const id = "rec_01JZ0000000000000000000001";
  await db
    .prepare(
      "insert into record_2257 (id, content_id, custodian_account_id, location_uri, index_metadata, created_at) values (?, ?, ?, ?, ?, ?)",
    )
    .bind(
      id,
      "cnt_01JZ0000000000000000000001",
      SEED.accounts.staff.id,
      "r2://fun-compliance-docs/x",
      "{}",
      NOW,
    )
    .run();
  return id;
}

describe("the compliance schema", () => {
  it("refuses to update an audit log row", async () => {
    const id = await appendAuditRow();
    const update = db.prepare("update audit_log set action = 'tampered' where id = ?").bind(id).run();
    await expect(update).rejects.toThrow(/audit_log is append-only/);
  });

  it("refuses to delete an audit log row", async () => {
    const id = await appendAuditRow();
    await expect(db.prepare("delete from audit_log where id = ?").bind(id).run()).rejects.toThrow(
      /audit_log is append-only/,
    );
    const row = await db.prepare("select count(*) as n from audit_log where id = ?").bind(id).first();
    expect(row).toEqual({ n: 1 });
  });

  it("refuses to update or delete a 2257 record", async () => {
    const id = await appendRecord2257();
    const update = db
      .prepare("update record_2257 set location_uri = 'elsewhere' where id = ?")
      .bind(id)
      .run();
    await expect(update).rejects.toThrow(/record_2257 is append-only/);
    const remove = db.prepare("delete from record_2257 where id = ?").bind(id).run();
    await expect(remove).rejects.toThrow(/record_2257 is append-only/);
  });

  it("rejects an audit hash that is not 64 hex characters", async () => {
    const insert = db
      .prepare("insert into audit_log (action, at, hash) values ('x', ?, 'not-a-hash')")
      .bind(NOW)
      .run();
    await expect(insert).rejects.toThrow(/CHECK constraint failed: audit_log_hash/);
  });

  it("holds the demo creator's verified KYC check", async () => {
    const row = await db
      .prepare("select id, status, check_type from identity_verification where account_id = ?")
      .bind(SEED.accounts.creator.id)
      .first();
    expect(row).toEqual({ id: SEED.verifications.creatorKyc.id, status: "verified", check_type: "KYC" });
  });

  it("rejects a check type outside KYC, Age and KYB", async () => {
    const insert = db
      .prepare(
        "insert into identity_verification (id, account_id, vendor, check_type, started_at) values (?, ?, 'v', 'AML', ?)",
      )
      .bind("idv_01JZ0000000000000000000001", SEED.accounts.fan.id, NOW)
      .run();
    await expect(insert).rejects.toThrow(/CHECK constraint failed: identity_verification_check_type/);
  });
});
