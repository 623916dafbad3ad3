import { defineRoute, validationFailed } from "@fun/http";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAccount } from "../../middleware/authenticate";
import { creatorCaller, listNotFound } from "./fanLists.caller";
import {
  AddFanListMembersSchema,
  FanListMembersAddedSchema,
  FanListParams,
  secured,
} from "./fanLists.schema";
import { addMembers } from "./fanLists.service";

const route = defineRoute({
  method: "post",
  path: "/v1/fan-lists/{id}/members",
  summary: "Adds fans to one of the caller's fan lists, all or none",
  description:
    "Each profile must follow the caller, with no block either way. If any may not be added, the answer is 400 `validation_failed` naming each of them (`profileIds.<index>`) and nothing is added. Adding a member again changes nothing.",
  ...secured,
  middleware: requireAccount,
  request: {
    params: FanListParams,
    body: { required: true, content: { "application/json": { schema: AddFanListMembersSchema } } },
  },
  responses: {
    200: {
      description: "How many were new, and the list's size now.",
      content: { "application/json": { schema: FanListMembersAddedSchema } },
    },
  },
});

export function registerAddFanListMembers(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    const { db, creatorId } = await creatorCaller(c);
    const { profileIds } = c.req.valid("json");
    const outcome = await addMembers(db, creatorId, c.req.valid("param").id, profileIds);
    if (outcome.ok) return c.json(outcome.value, 200);
    if (outcome.error.kind === "not_found") throw listNotFound();
    // One message for unknown, not following and blocked alike: the caller learns nothing of blocks.
    throw validationFailed(
      "request body",
      outcome.error.refused.map(({ index, profileId }) => ({
        location: "body" as const,
        path: `profileIds.${index}`,
        message: `${profileId} is not one of your followers, so it cannot be added.`,
      })),
    );
  });
}
