import { z } from "zod";

const issuerUrl = z
  .string()
  .url()
  .refine((value) => {
    const url = new URL(value);
    const local =
      url.hostname === "localhost" || url.hostname.endsWith(".localhost") || url.hostname === "127.0.0.1";
    return url.protocol === "https:" || (url.protocol === "http:" && local);
  }, "an https URL (http only for localhost)");

const ProviderSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{2,32}$/),
    name: z.string().min(1).max(40),
    issuer: issuerUrl,
    client_id: z.string().min(1),
    client_secret: z.string().min(1),
    scopes: z.string().default("openid email profile"),
  })
  .strict();

export type UpstreamProvider = z.infer<typeof ProviderSchema>;

const parsed = new Map<string, UpstreamProvider[]>();

/**
 * The upstream OIDC providers configured in `UPSTREAM_OIDC_PROVIDERS` (a JSON array). A bad value is
 * an operator's mistake: it throws naming the field, and only the routes that need providers fail.
 */
export function upstreamProviders(env: Pick<Env, "UPSTREAM_OIDC_PROVIDERS">): UpstreamProvider[] {
  const text = env.UPSTREAM_OIDC_PROVIDERS;
  const cached = parsed.get(text);
  if (cached) return cached;
  let json: unknown;
  try {
    json = JSON.parse(text || "[]");
  } catch {
    throw new Error("UPSTREAM_OIDC_PROVIDERS is not JSON");
  }
  const result = z.array(ProviderSchema).safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`UPSTREAM_OIDC_PROVIDERS[${issue?.path.join(".")}]: ${issue?.message}`);
  }
  parsed.set(text, result.data);
  return result.data;
}
