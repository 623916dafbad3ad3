import { WorkerEntrypoint } from "cloudflare:workers";
import { checkD1, checkR2, type HealthReport, type InternalWorker, runHealthChecks } from "@fun/contracts";
import { type AuditEntry, appendAudit, auditTrail } from "./audit/append-audit";

/**
 * The compliance worker: KYC and age verification, model releases, 2257 records and the append-only
 * audit log. It has no public route; the gateway reaches it only through RPC on its service binding.
 */
export default class ComplianceWorker extends WorkerEntrypoint<ComplianceEnv> implements InternalWorker {
  override fetch(): Promise<Response> {
    return Promise.resolve(new Response(null, { status: 404 }));
  }

  /** Appends to the hash-chained audit log (src/audit): who did what to which record, and when. */
  appendAudit(entry: AuditEntry) {
    return appendAudit(this.env, entry);
  }

  /** The audit entries about one record, oldest first. */
  auditTrail(subjectTable: string, subjectId: string) {
    return auditTrail(this.env, subjectTable, subjectId);
  }

  health(): Promise<HealthReport> {
    return runHealthChecks("compliance", {
      complianceDb: () => checkD1(this.env.COMPLIANCE_DB),
      complianceDocs: () => checkR2(this.env.COMPLIANCE_DOCS),
      auditBucket: () => checkR2(this.env.AUDIT_BUCKET),
    });
  }
}
