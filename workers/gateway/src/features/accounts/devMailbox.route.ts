import { ApiError, defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requireAuthHost } from "./account-pages";
import { listDevMail } from "./accounts.repo";
import { DEV_MAILBOX, devMailboxEnabled } from "./email";
import { normaliseEmail } from "./email-address";

const MAILBOX_LIMIT = 50;

const DevMailSchema = z
  .object({
    id: z.string().openapi({ example: "mail_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    to: z.string().openapi({ example: "fan@fun.localhost" }),
    subject: z.string(),
    text: z.string(),
    createdAt: z.number().int().openapi({ description: "When it was sent, epoch ms." }),
  })
  .openapi("DevMail");

const route = defineRoute({
  method: "get",
  path: "/dev/mailbox",
  tags: ["Identity"],
  summary: "Local development only: the mail the platform sent to an address, newest first",
  description: `On a local auth host (\`*.localhost\`), only while \`EMAIL_DELIVERY\` is \`${DEV_MAILBOX}\`; otherwise 404. At most ${MAILBOX_LIMIT} messages.`,
  request: {
    query: z.object({
      to: z.string().min(3).max(254).openapi({ example: "fan@fun.localhost" }),
    }),
  },
  responses: {
    200: {
      description: "The newest messages to the address.",
      content: {
        "application/json": { schema: z.object({ messages: z.array(DevMailSchema) }).openapi("DevMailbox") },
      },
    },
  },
});

export function registerDevMailbox(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(route, async (c) => {
    requireAuthHost(c);
    // Mail holds sign-in links: outside local development this route does not exist.
    if (!devMailboxEnabled(c.env)) throw new ApiError("not_found", "There is no dev mailbox here.");
    const { to } = c.req.valid("query");
    const messages = await listDevMail(c.get("services").db, normaliseEmail(to), MAILBOX_LIMIT);
    c.header("Cache-Control", "no-store");
    return c.json({ messages }, 200);
  });
}
