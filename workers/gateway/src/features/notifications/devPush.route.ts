import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { listDevPushes } from "./notifications.repo";
import { DevPushSchema } from "./notifications.schema";
import { DEV_PUSH, devPushEnabled } from "./push-sender";

const PUSH_LOG_LIMIT = 50;

const route = defineRoute({
  method: "get",
  path: "/dev/push",
  tags: ["Notifications"],
  summary: "Local development only: the pushes the platform sent to a profile, newest first",
  description: `On a local auth host (\`*.localhost\`), only while \`PUSH_DELIVERY\` is \`${DEV_PUSH}\`; otherwise 404. At most ${PUSH_LOG_LIMIT} pushes, every brand's.`,
  request: {
    query: z.object({
      profile: z
        .string()
        .regex(/^prf_[0-9A-Z]{26}$/, "a profile id (prf_…)")
        .openapi({ example: "prf_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    }),
  },
  responses: {
    200: {
      description: "The newest pushes to the profile.",
      content: {
        "application/json": { schema: z.object({ pushes: z.array(DevPushSchema) }).openapi("DevPushLog") },
      },
    },
  },
});

export function registerDevPush(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    // Pushes say who follows whom: outside local development, and off the auth host, there is no log.
    if (c.get("host").kind !== "auth" || !devPushEnabled(c.env)) {
      throw new ApiError("not_found", "There is no dev push log here.");
    }
    const { profile } = c.req.valid("query");
    const pushes = await listDevPushes(c.get("services").db, profile, PUSH_LOG_LIMIT);
    c.header("Cache-Control", "no-store");
    return c.json({ pushes }, 200);
  });
}
