/**
 * The creator ledger's SQLite layout. `entry` and `line` are the book: insert-only, guarded by
 * triggers so no code path can change or remove a posting. `sale`, `dispute` and `payout` keep the
 * facts later postings refer to (also insert-only). `balance` and `hold` are derived and may be
 * rebuilt from the book: `balance` is Σ line per account and currency, kept so a payout check reads
 * one row; `hold` lists the sales still waiting for their release, so the alarm never scans old
 * sales. `refusal` remembers decided refusals by key, so a repeated call gets the same answer.
 *
 * A posting touches as few B-trees as it can (tables keyed by what they are looked up by,
 * `WITHOUT ROWID`; no AUTOINCREMENT, whose counter table would be one more write; `entry.seq` still
 * only grows, since entries are never deleted): under many small commits, as when many creators
 * are paid at once, the pages each commit writes are what a posting costs.
 */
export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS entry (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  tenant_id TEXT,
  occurred_at INTEGER NOT NULL,
  provider_ref TEXT,
  sale_key TEXT,
  subject_key TEXT,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entry_sale ON entry(sale_key);
CREATE INDEX IF NOT EXISTS entry_subject ON entry(subject_key) WHERE subject_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS line (
  entry_seq INTEGER NOT NULL REFERENCES entry(seq),
  position INTEGER NOT NULL,
  account TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY (entry_seq, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sale (
  key TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  source TEXT NOT NULL,
  currency TEXT NOT NULL,
  gross INTEGER NOT NULL,
  platform_fee INTEGER NOT NULL,
  processor_fee INTEGER NOT NULL,
  occurred_at INTEGER NOT NULL,
  release_at INTEGER NOT NULL,
  purchase_id TEXT,
  subscription_id TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sale_occurred ON sale(occurred_at);
CREATE TABLE IF NOT EXISTS dispute (
  key TEXT PRIMARY KEY,
  sale_key TEXT NOT NULL,
  amount INTEGER NOT NULL,
  fee INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS payout (
  key TEXT PRIMARY KEY,
  currency TEXT NOT NULL,
  amount INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS refusal (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  refusal TEXT NOT NULL,
  detail TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS balance (
  account TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY (account, currency)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hold (
  release_at INTEGER NOT NULL,
  sale_key TEXT NOT NULL,
  currency TEXT NOT NULL,
  PRIMARY KEY (release_at, sale_key)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS entry_no_update BEFORE UPDATE ON entry
  BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER IF NOT EXISTS entry_no_delete BEFORE DELETE ON entry
  BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER IF NOT EXISTS line_no_update BEFORE UPDATE ON line
  BEGIN SELECT RAISE(ABORT, 'ledger lines are immutable'); END;
CREATE TRIGGER IF NOT EXISTS line_no_delete BEFORE DELETE ON line
  BEGIN SELECT RAISE(ABORT, 'ledger lines are immutable'); END;
`;
