import { DurableObject } from "cloudflare:workers";
import type {
  CreatorLedgerRpc,
  DisputeCloseInput,
  DisputeInput,
  EarningsQuery,
  EarningsReport,
  LedgerBalance,
  LedgerEntry,
  PayoutRequestInput,
  PayoutSettleInput,
  PostingResult,
  RefundInput,
  SaleInput,
} from "@fun/contracts";
import * as reports from "./ledger-reports";
import { LEDGER_SCHEMA } from "./ledger-schema";
import { closePayout, requestPayout } from "./payout-postings";
import {
  closeDispute,
  nextRelease,
  recordDispute,
  recordRefund,
  recordSale,
  releaseMatured,
  releaseTime,
} from "./sale-postings";

/**
 * One creator's earnings as a double-entry book: one object per creator profile
 * (`LEDGER.idFromName(creatorProfileId)`), so every posting for a creator is serialised through
 * one SQLite database and a balance check and the posting it guards cannot interleave. The RPC
 * surface and the meaning of each account are in `@fun/contracts` (`CreatorLedgerRpc`).
 *
 * Every method runs its reads and its writes without awaiting in between, and writes an entry with
 * its lines and facts in one `transactionSync`; the only await is arming the alarm afterwards. So
 * concurrent calls behave as if they came one at a time.
 *
 * The alarm is armed at the earliest end of a hold; it releases every matured sale and re-arms for
 * the next. Storage layout: see `ledger-schema.ts` and durable-objects/README.md.
 */
export class CreatorLedger extends DurableObject<object> implements CreatorLedgerRpc {
  /** The alarm time this object has armed, cached so a sale does not read it back each time. */
  #alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    ctx.storage.sql.exec(LEDGER_SCHEMA);
    void ctx.blockConcurrencyWhile(async () => {
      this.#alarmAt = await ctx.storage.getAlarm();
    });
  }

  async recordSale(input: SaleInput): Promise<PostingResult> {
    const result = recordSale(this.ctx.storage, input, Date.now());
    if (result.applied) await this.#armAlarm(releaseTime(input));
    return result;
  }

  async recordRefund(input: RefundInput): Promise<PostingResult> {
    return recordRefund(this.ctx.storage, input, Date.now());
  }

  async recordDispute(input: DisputeInput): Promise<PostingResult> {
    return recordDispute(this.ctx.storage, input, Date.now());
  }

  async closeDispute(input: DisputeCloseInput): Promise<PostingResult> {
    return closeDispute(this.ctx.storage, input, Date.now());
  }

  async requestPayout(input: PayoutRequestInput): Promise<PostingResult> {
    return requestPayout(this.ctx.storage, input, Date.now());
  }

  async settlePayout(input: PayoutSettleInput): Promise<PostingResult> {
    return closePayout(this.ctx.storage, "payout_settle", input, Date.now());
  }

  async failPayout(input: PayoutSettleInput): Promise<PostingResult> {
    return closePayout(this.ctx.storage, "payout_fail", input, Date.now());
  }

  async balances(): Promise<LedgerBalance[]> {
    return reports.balances(this.ctx.storage.sql);
  }

  async earnings(query: EarningsQuery): Promise<EarningsReport[]> {
    return reports.earnings(this.ctx.storage.sql, query);
  }

  async entries(query: { after?: string; limit: number }): Promise<LedgerEntry[]> {
    return reports.entries(this.ctx.storage.sql, query);
  }

  /** Releases the sales whose hold has ended, then arms the alarm for the next one. */
  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    releaseMatured(this.ctx.storage, Date.now());
    await this.#armAlarm();
  }

  /** Arms the alarm for the earliest hold still running, or for `releaseAt` if that is earlier. */
  async #armAlarm(releaseAt?: number): Promise<void> {
    const next = releaseAt ?? nextRelease(this.ctx.storage.sql);
    if (next === null || (this.#alarmAt !== null && this.#alarmAt <= next)) return;
    this.#alarmAt = next;
    await this.ctx.storage.setAlarm(next);
  }
}
