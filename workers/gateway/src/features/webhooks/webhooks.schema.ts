import { EVENT_TYPES, type EventType } from "@fun/events";
import { z } from "@hono/zod-openapi";

/**
 * Endpoint ids: `whe_` + ULID. Delivery ids (the `webhook-id` header): `msg_` + ULID. The pattern has
 * no braces because a custom method's route puts it inside `{…}` (see `registerCustomMethod`).
 */
export const ENDPOINT_ID_PATTERN = "whe_[0-9A-Z]+";

/** A local development receiver may be plain http; everything else must be https. */
function isLocalHost(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost");
}

/** Why `url` may not receive webhooks, or undefined when it may. */
export function refuseEndpointUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute URL";
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLocalHost(parsed.hostname))) {
    return "must be https (http only for localhost)";
  }
  if (parsed.username || parsed.password) return "must not carry credentials";
  // Partners are reached by public name: no IP literals, no single-label or private-use names.
  const host = parsed.hostname;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("["))
    return "must name a host, not an IP address";
  if (!isLocalHost(host) && (!host.includes(".") || /\.(local|internal|lan|home\.arpa)$/.test(host)))
    return "must be a public host name";
  if (parsed.hash) return "must not have a fragment";
  return undefined;
}

const endpointUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const reason = refuseEndpointUrl(value);
    if (reason) ctx.addIssue({ code: "custom", message: reason });
  })
  .openapi({ example: "https://partner.example/hooks/fun", description: "https; http only for localhost." });

const eventTypes = z
  .array(z.enum(EVENT_TYPES as [EventType, ...EventType[]]))
  .max(EVENT_TYPES.length * 2)
  .openapi({
    description: "Catalogued event types to send (GET /v1/events/schemas); empty or absent means every type.",
    example: ["fun.content.published"],
  });

const description = z.string().trim().max(500).openapi({ example: "Our CRM sync" });

export const EndpointIdParam = z.object({
  id: z.string().regex(/^whe_[0-9A-Z]{26}$/, "an endpoint id (whe_…)"),
});

export const NewEndpoint = z
  .object({ url: endpointUrl, description: description.optional(), eventTypes: eventTypes.optional() })
  .strict()
  .openapi("NewWebhookEndpoint");

export const EndpointChanges = z
  .object({
    url: endpointUrl,
    description: description.nullable(),
    eventTypes,
    status: z.enum(["active", "disabled"]).openapi({ description: "A disabled endpoint is sent nothing." }),
  })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, "Send at least one field to change.")
  .openapi("WebhookEndpointChanges");

export const RotateSecretRequest = z.object({}).strict().openapi("RotateWebhookSecretRequest");

export const Endpoint = z
  .object({
    id: z.string().openapi({ example: "whe_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()).openapi({ description: "Empty means every type." }),
    status: z.enum(["active", "disabled"]),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("WebhookEndpoint");

export const EndpointWithSecret = Endpoint.extend({
  secret: z.string().openapi({
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    description: "The Standard Webhooks signing secret. Shown only in this response: store it now.",
  }),
}).openapi("WebhookEndpointWithSecret");

export const EndpointList = z.object({ endpoints: z.array(Endpoint) }).openapi("WebhookEndpointList");

export const Attempt = z
  .object({
    attempt: z.number().int().openapi({ description: "1 for the first try." }),
    statusCode: z.number().int().nullable().openapi({ description: "Null when no response came." }),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    attemptedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("WebhookAttempt");

export const Delivery = z
  .object({
    id: z
      .string()
      .openapi({ description: "The `webhook-id` header.", example: "msg_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(["pending", "succeeded", "dead"]),
    payload: z.unknown().openapi({ description: "The body sent, parsed." }),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable().openapi({ format: "date-time" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    attempts: z.array(Attempt).openapi({ description: "Every HTTP try, first to last." }),
  })
  .openapi("WebhookDelivery");

export const DeliveryQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const DeliveryPage = z
  .object({
    deliveries: z.array(Delivery).openapi({ description: "Newest first." }),
    nextCursor: z.string().nullable(),
  })
  .openapi("WebhookDeliveryPage");
