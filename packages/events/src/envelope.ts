import { newId } from "@fun/core";
import { z } from "zod";

/**
 * A CloudEvents 1.0 envelope in its JSON format. `tenantid` is a CloudEvents extension attribute
 * (extension names are lower-case alphanumerics) naming the brand the event happened on.
 */
export const CloudEventSchema = z.object({
  specversion: z.literal("1.0"),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^fun\.[a-z]+(\.[a-z]+)+$/, "a fun.<domain>.<event> type"),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).optional(),
  datacontenttype: z.literal("application/json"),
  dataschema: z.string().optional(),
  tenantid: z.string().min(1).optional(),
  data: z.unknown(),
});

export type CloudEvent<T = unknown> = Omit<z.infer<typeof CloudEventSchema>, "data"> & { data: T };

export interface NewEventOptions {
  /** The brand the event happened on, if any. */
  tenantId?: string;
  /** The entity the event is about (e.g. a content id). */
  subject?: string;
  /** Fixed time, for replays and tests. */
  time?: Date;
}

/** Wraps data in a new envelope with a fresh `evt_` id. */
export function buildEnvelope<T>(
  type: string,
  source: string,
  data: T,
  options: NewEventOptions = {},
): CloudEvent<T> {
  return {
    specversion: "1.0",
    id: newId("event"),
    source,
    type,
    time: (options.time ?? new Date()).toISOString(),
    datacontenttype: "application/json",
    dataschema: `/v1/events/schemas#${type}`,
    ...(options.subject ? { subject: options.subject } : {}),
    ...(options.tenantId ? { tenantid: options.tenantId } : {}),
    data,
  };
}
