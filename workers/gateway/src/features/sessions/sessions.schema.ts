import { z } from "@hono/zod-openapi";

export const Session = z
  .object({
    id: z.string().openapi({ example: "ses_Zk3l0y2p1QmX9aV7cR4tW8bN5j" }),
    createdAt: z.string().openapi({ format: "date-time", description: "When the sign-in happened." }),
    lastSeenAt: z
      .string()
      .openapi({ format: "date-time", description: "The last token refresh on any brand." }),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    authTime: z
      .string()
      .openapi({ format: "date-time", description: "When the person last proved who they are." }),
    amr: z
      .array(z.string())
      .openapi({ description: "How they did (RFC 8176: pwd, hwk, fed).", example: ["pwd"] }),
    current: z.boolean().openapi({ description: "Whether the calling token belongs to this session." }),
  })
  .openapi("Session");

export const SessionList = z
  .object({ sessions: z.array(Session).openapi({ description: "Newest first." }) })
  .openapi("SessionList");

export const RevokeSessionsRequest = z
  .union([
    z.object({ sessionId: z.string().min(1).max(64) }).strict(),
    z.object({ all: z.literal(true) }).strict(),
  ])
  .openapi("SessionRevocation", { description: "One session by id, or `all: true` for every one." });

export const SessionsRevoked = z
  .object({ revoked: z.number().int().openapi({ description: "How many sessions ended.", example: 1 }) })
  .openapi("SessionsRevoked");
