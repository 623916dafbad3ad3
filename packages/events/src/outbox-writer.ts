import type { CoreDb } from "@fun/db";
import type { CloudEvent } from "./envelope";
import { outboxInsert } from "./outbox";

/**
 * A request's handle on the outbox. Services put `writer.insert(event)` into the batch that makes the
 * change; the writer remembers that something was written so the request pipeline relays it as soon
 * as the response is sent, instead of waiting for the cron sweep.
 */
export class OutboxWriter {
  #written = 0;

  constructor(private readonly db: CoreDb) {}

  insert(event: CloudEvent) {
    this.#written++;
    return outboxInsert(this.db, event);
  }

  get hasWritten(): boolean {
    return this.#written > 0;
  }
}
