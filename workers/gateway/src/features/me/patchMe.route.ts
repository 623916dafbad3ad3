import {
  ApiError,
  defineRoute,
  type FieldError,
  fieldErrors,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  validationFailed,
} from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { describeMe, MeSchema } from "./getMe.route";
import { findOwnProfileId, handleTakenByAnother, updateOwnProfile } from "./me.repo";

// Strict: anything else in the body (email, status, role, type …) is refused, not ignored, so a
// client never believes it changed what it cannot change here.
const ProfileChangesSchema = z
  .object({
    displayName: z.string().trim().min(1).max(60).openapi({ example: "Demo Fan" }),
    bio: z.string().max(500).nullable().openapi({ example: "I like dogs." }),
    handle: z
      .string()
      .min(3)
      .max(30)
      .regex(/^[A-Za-z0-9_]+$/, "Use only letters, digits and underscores.")
      .openapi({ example: "demo_fan" }),
  })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, "Send at least one field to change.")
  .openapi("ProfileChanges");

const route = defineRoute({
  method: "patch",
  path: "/v1/me",
  tags: ["Identity"],
  summary: "Change the signed-in account's profile: display name, bio, handle",
  description:
    "Changes the caller's own profile only. Other fields (email, status, roles) cannot be changed here and are refused by name. A handle is unique across the platform, without case.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAccount] as const,
  request: {
    body: { required: true, content: { "application/json": { schema: ProfileChangesSchema } } },
  },
  responses: {
    200: {
      description: "The account and its changed profile, as GET /v1/me answers.",
      content: { "application/json": { schema: MeSchema } },
    },
    409: {
      description: "The handle belongs to another profile.",
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    },
  },
});

/** Names each unknown field of the body, rather than the body as a whole. */
function bodyErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          location: "body",
          path: key,
          message: "This field cannot be changed here.",
        }))
      : fieldErrors(new z.ZodError([issue]), "json"),
  );
}

function handleTaken(handle: string): ApiError {
  return new ApiError("conflict", `The handle ${handle} is taken; choose another.`, {
    errors: [{ location: "body", path: "handle", message: "This handle is taken." }],
  });
}

/** D1 reports a unique violation in the message of the error drizzle wraps. */
function isUniqueViolation(error: unknown): boolean {
  const messages = [error, error instanceof Error ? error.cause : undefined].map((e) =>
    e instanceof Error ? e.message : "",
  );
  return messages.some((message) => message.includes("UNIQUE constraint failed"));
}

export function registerPatchMe(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(
    route,
    async (c) => {
      const changes = c.req.valid("json");
      const accountId = c.get("auth").claims.subject;
      const db = c.get("services").db;
      // Checks the token's account is still active before anything is written.
      await describeMe(c);
      const profileId = await findOwnProfileId(db, accountId);
      if (!profileId) throw new ApiError("not_found", "This account has no profile yet.");
      if (changes.handle && (await handleTakenByAnother(db, changes.handle, profileId))) {
        throw handleTaken(changes.handle);
      }
      try {
        await updateOwnProfile(db, c.get("services").outbox, { accountId, profileId }, changes);
      } catch (error) {
        // Taken between the check and the write.
        if (changes.handle && isUniqueViolation(error)) throw handleTaken(changes.handle);
        throw error;
      }
      c.header("Cache-Control", "private, no-store");
      return c.json(await describeMe(c), 200);
    },
    (result) => {
      if (!result.success) throw validationFailed("request", bodyErrors(result.error));
    },
  );
}
