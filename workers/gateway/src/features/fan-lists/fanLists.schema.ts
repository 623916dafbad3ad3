import { z } from "@hono/zod-openapi";

/** Fan list ids: `fls_` + a ULID (newId("fanList")). */
export const FAN_LIST_ID = /^fls_[0-9A-HJKMNP-TV-Z]{26}$/;
const PROFILE_ID = /^prf_[0-9A-Z]{26}$/;

export const MAX_MEMBERS_PER_ADD = 100;

export const FanListParams = z.object({
  id: z
    .string()
    .regex(FAN_LIST_ID, "a fan list id (fls_…)")
    .openapi({ example: "fls_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
});

export const FanListMemberParams = FanListParams.extend({
  profileId: z.string().regex(PROFILE_ID, "a profile id (prf_…)"),
});

const name = z.string().trim().min(1).max(60).openapi({
  description: "1-60 characters, unique among the creator's lists without regard to case.",
  example: "VIP",
});

export const FanListNameSchema = z.object({ name }).strict().openapi("FanListName");

export const FanListSchema = z
  .object({
    id: z.string().openapi({ example: "fls_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    name: z.string().openapi({ example: "VIP" }),
    memberCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("FanList");

export const FanListCollectionSchema = z
  .object({ items: z.array(FanListSchema) })
  .openapi("FanListCollection");

export const AddFanListMembersSchema = z
  .object({
    profileIds: z
      .array(z.string().regex(PROFILE_ID, "a profile id (prf_…)"))
      .min(1)
      .max(MAX_MEMBERS_PER_ADD)
      .openapi({
        description: `Up to ${MAX_MEMBERS_PER_ADD} profiles, each following the creator with no block either way.`,
        example: ["prf_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q"],
      }),
  })
  .strict()
  .openapi("AddFanListMembers");

export const FanListMembersAddedSchema = z
  .object({
    added: z.number().int().openapi({ description: "Profiles that were not on the list before." }),
    memberCount: z.number().int(),
  })
  .openapi("FanListMembersAdded");

export const FanListMemberSchema = z
  .object({
    profileId: z.string(),
    handle: z.string(),
    displayName: z.string(),
    addedAt: z.string(),
  })
  .openapi("FanListMember");

export const FanListMembersQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const FanListMemberPageSchema = z
  .object({ items: z.array(FanListMemberSchema), nextCursor: z.string().nullable() })
  .openapi("FanListMemberPage");

export const secured = { tags: ["Fan lists"], security: [{ bearerAuth: [] as string[] }] };

export const iso = (ms: number) => new Date(ms).toISOString();
