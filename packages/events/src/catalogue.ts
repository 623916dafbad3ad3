import { z } from "zod";
import { buildEnvelope, type CloudEvent, CloudEventSchema, type NewEventOptions } from "./envelope";

const tenantSlug = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/)
  .describe("a brand's slug, e.g. girlfanz");

/**
 * Every event the platform emits: its CloudEvents `source` and the zod schema of its `data`. The
 * shapes of the blueprint's own examples are kept exactly (tenant fields in `data` carry slugs, as
 * there); the envelope's `tenantid` carries the tenant id.
 */
export const EVENT_CATALOGUE = {
  "fun.profile.created": {
    source: "iam",
    description: "A profile was created for an account.",
    data: z.object({ profileId: z.string(), accountId: z.string(), tenantIds: z.array(tenantSlug) }),
  },
  "fun.content.published": {
    source: "content",
    description: "A post was published on its canonical brand.",
    data: z.object({ contentId: z.string(), creatorId: z.string(), tenantId: tenantSlug }),
  },
  "fun.content.crossposted": {
    source: "content",
    description: "A post was cross-posted from one brand to others.",
    data: z.object({ contentId: z.string(), fromTenant: tenantSlug, toTenants: z.array(tenantSlug).min(1) }),
  },
  "fun.content.updated": {
    source: "content",
    description:
      "A post's text, tags, rating or visibility changed, or it was taken down (`removed`): readers such as search refresh it.",
    data: z.object({ contentId: z.string(), change: z.enum(["edited", "removed"]) }),
  },
  "fun.profile.updated": {
    source: "social",
    description:
      "A profile's name, handle, bio or presence on a brand changed: readers such as search refresh it.",
    data: z.object({ profileId: z.string() }),
  },
  "fun.profile.followed": {
    source: "social",
    description: "A profile started following another, on the brand named by `tenantId`.",
    data: z.object({ followerId: z.string(), followeeId: z.string(), tenantId: tenantSlug }),
  },
  "fun.media.fingerprint.ready": {
    source: "media",
    description: "An asset's SHA-256 and perceptual hashes are stored.",
    data: z.object({
      assetId: z.string(),
      contentId: z.string().nullable(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      pdq: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .nullable(),
      phash: z
        .string()
        .regex(/^[0-9a-f]{16}$/)
        .nullable(),
    }),
  },
  "fun.media.duplicate.detected": {
    source: "media",
    description:
      "An upload is a near-duplicate of an earlier asset (PDQ within the match threshold, rotations and flips included): `linked` to its creator's own canonical asset, or `flagged` for review when the earlier asset is someone else's.",
    data: z.object({
      assetId: z.string(),
      canonicalAssetId: z.string(),
      distance: z.number().int().min(0).max(256),
      transform: z.string(),
      action: z.enum(["linked", "flagged"]),
    }),
  },
  "fun.media.taken_down": {
    source: "media",
    description:
      "An asset was taken down everywhere by its creator, a brand's staff or trust & safety: its links and renditions are revoked, its post hidden on every brand, and re-uploads of the picture are refused.",
    data: z.object({
      assetId: z.string(),
      contentId: z.string().nullable(),
      creatorId: z.string(),
      actor: z.enum(["creator", "staff", "safety"]),
      reason: z.string(),
    }),
  },
  "fun.moderation.flagged": {
    source: "moderation",
    description: "Something was flagged for review or blocked.",
    data: z.object({
      subjectType: z.enum(["content", "asset", "profile", "message"]),
      subjectId: z.string(),
      reason: z.string(),
      detector: z.string().optional(),
    }),
  },
  "fun.payout.processed": {
    source: "commerce",
    description: "A creator payout settled or failed at the provider.",
    data: z.object({
      payoutId: z.string(),
      profileId: z.string(),
      amountCents: z.number().int().nonnegative(),
      currency: z.string().length(3),
      status: z.enum(["paid", "failed"]),
    }),
  },
  "fun.purchase.completed": {
    source: "commerce",
    description:
      "A fan's payment for a pay-per-view post or a tip succeeded (the provider confirmed it); the post is unlocked for them.",
    data: z.object({
      purchaseId: z.string(),
      kind: z.enum(["ppv", "tip"]),
      fanId: z.string(),
      creatorId: z.string(),
      contentId: z.string().nullable(),
      amountCents: z.number().int().positive(),
      currency: z.string().length(3),
      tenantId: tenantSlug,
    }),
  },
  "fun.subscription.started": {
    source: "commerce",
    description: "A fan's subscription to a creator's plan became active (first payment, or a free trial).",
    data: z.object({
      subscriptionId: z.string(),
      planId: z.string(),
      fanId: z.string(),
      creatorId: z.string(),
      tenantId: tenantSlug,
      currentPeriodEnd: z.string().nullable(),
    }),
  },
  "fun.subscription.renewed": {
    source: "commerce",
    description: "A subscription's next period was paid; `currentPeriodEnd` moved on.",
    data: z.object({
      subscriptionId: z.string(),
      planId: z.string(),
      fanId: z.string(),
      creatorId: z.string(),
      tenantId: tenantSlug,
      currentPeriodEnd: z.string().nullable(),
    }),
  },
  "fun.subscription.cancelled": {
    source: "commerce",
    description: "A subscription ended (cancelled by the fan, or unpaid); entitlement stops with it.",
    data: z.object({
      subscriptionId: z.string(),
      planId: z.string(),
      fanId: z.string(),
      creatorId: z.string(),
      tenantId: tenantSlug,
    }),
  },
  "fun.ad.impression": {
    source: "ads",
    description: "An ad creative was shown in a placement.",
    data: z.object({
      impressionId: z.string(),
      creativeId: z.string(),
      campaignId: z.string(),
      tenantId: tenantSlug,
      slot: z.string(),
    }),
  },
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOGUE)[T]["data"]>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}

/** A new event of a catalogued type; its data is checked against the type's schema. */
export function createEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  options?: NewEventOptions,
): CloudEvent<EventData<T>> {
  const definition = EVENT_CATALOGUE[type];
  const checked = definition.data.parse(data) as EventData<T>;
  return buildEnvelope(type, definition.source, checked, options);
}

/** The envelope schema with a catalogued type's data schema in place of `data`. */
export function envelopeSchemaFor<T extends EventType>(type: T) {
  return CloudEventSchema.extend({ type: z.literal(type), data: EVENT_CATALOGUE[type].data });
}

/** A received event checked against the envelope and, for catalogued types, its data schema. */
export function parseEvent(value: unknown): z.ZodSafeParseResult<CloudEvent> {
  const envelope = CloudEventSchema.safeParse(value);
  if (!envelope.success || !isEventType(envelope.data.type))
    return envelope as z.ZodSafeParseResult<CloudEvent>;
  return envelopeSchemaFor(envelope.data.type).safeParse(value) as z.ZodSafeParseResult<CloudEvent>;
}

/** JSON Schema (draft 2020-12) of each event type's full envelope, keyed by type. */
export function eventJsonSchemas(): Record<
  EventType,
  { source: string; description: string; schema: unknown }
> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        source: EVENT_CATALOGUE[type].source,
        description: EVENT_CATALOGUE[type].description,
        schema: z.toJSONSchema(envelopeSchemaFor(type), { target: "draft-2020-12" }),
      },
    ]),
  ) as Record<EventType, { source: string; description: string; schema: unknown }>;
}
