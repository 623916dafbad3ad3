import { z } from "@hono/zod-openapi";

export const PublicTenantSchema = z
  .object({
    id: z.string().openapi({ example: "ten_0000000000AB12CD34EF56GH78" }),
    slug: z.string().openapi({ example: "pupfanz" }),
    name: z.string().openapi({ example: "PupFanz" }),
    theme: z.object({
      primary: z.string().openapi({ example: "#1e88e5" }),
      accent: z.string(),
      background: z.string(),
      text: z.string(),
      tagline: z.string(),
    }),
    features: z
      .array(z.string())
      .openapi({ description: "Feature flags that are on.", example: ["crossPost", "ppv"] }),
    jurisdiction: z.object({ minimumAge: z.number().int(), blockedCountries: z.array(z.string()) }),
    urls: z
      .object({ web: z.url(), api: z.url(), media: z.url(), auth: z.url() })
      .openapi({ description: "Where this brand is served, for the environment the request came in on." }),
  })
  .openapi("Tenant");
