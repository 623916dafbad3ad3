import { defineRoute } from "@fun/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { requirePermission } from "../../middleware/authenticate";

const KeyVersionSchema = z
  .object({
    version: z.number().int(),
    state: z.enum(["active", "retiring", "retired"]),
    objects: z
      .number()
      .int()
      .openapi({ description: "Stored objects whose data key this version still wraps." }),
    createdAt: z.string().nullable(),
    retiredAt: z.string().nullable(),
  })
  .openapi("VaultKeyVersion");

const KeyStatusSchema = z.object({ versions: z.array(KeyVersionSchema) }).openapi("VaultKeyStatus");

const secured = {
  tags: ["Vault"],
  security: [{ bearerAuth: [] }],
  middleware: requirePermission("vault:keys"),
};

const rotate = defineRoute({
  method: "post",
  path: "/v1/vault/keys:rotate",
  summary: "Rotates this brand's key-encryption key",
  description:
    "A new key version wraps every object stored from now on, and every existing object's data key is re-wrapped under it in the background (object bodies are never re-encrypted). The old version is retired once nothing uses it; `GET /v1/vault/keys` shows the progress. Needs `vault:keys` on this brand.",
  ...secured,
  responses: {
    202: {
      description: "Rotation started.",
      content: {
        "application/json": {
          schema: KeyStatusSchema.extend({ from: z.number().int(), to: z.number().int() }),
        },
      },
    },
  },
});

const status = defineRoute({
  method: "get",
  path: "/v1/vault/keys",
  summary: "This brand's key versions and how many objects each still wraps",
  description:
    "A rotation is done when the version it left is `retired` with 0 objects. Needs `vault:keys` on this brand.",
  ...secured,
  responses: {
    200: {
      description: "The versions, newest first.",
      content: { "application/json": { schema: KeyStatusSchema } },
    },
  },
});

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);
type Version = {
  version: number;
  state: "active" | "retiring" | "retired";
  objects: number;
  createdAt: number;
  retiredAt: number | null;
};
const present = (versions: Version[]) =>
  versions.map((v) => ({ ...v, createdAt: iso(v.createdAt), retiredAt: iso(v.retiredAt) }));

export function registerVaultKeys(app: OpenAPIHono<GatewayEnv>) {
  app.openapi(rotate, async (c) => {
    const host = c.get("host");
    const tenantId = host.kind === "tenant" ? host.tenant.id : "";
    const started = await c.env.VAULT.rotateKeys(tenantId, c.get("auth").claims.subject);
    c.get("logFields").vaultKeysRotatedBy = c.get("auth").claims.subject;
    return c.json({ from: started.from, to: started.to, versions: present(started.versions) }, 202);
  });
  app.openapi(status, async (c) => {
    const host = c.get("host");
    const tenantId = host.kind === "tenant" ? host.tenant.id : "";
    c.header("Cache-Control", "private, no-store");
    return c.json({ versions: present(await c.env.VAULT.keyStatus(tenantId)) }, 200);
  });
}
