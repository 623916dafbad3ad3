-- Custom SQL migration file, put your code below! --
-- audit_log (a hash chain) and record_2257 (custodian records) are evidence: rows are only ever
-- appended. A correction is a new row that refers to the old one. The R2 AUDIT mirror is the
-- second line of defence against someone who can drop these triggers.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `record_2257_no_update` BEFORE UPDATE ON `record_2257`
BEGIN
  SELECT RAISE(ABORT, 'record_2257 is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `record_2257_no_delete` BEFORE DELETE ON `record_2257`
BEGIN
  SELECT RAISE(ABORT, 'record_2257 is append-only');
END;
