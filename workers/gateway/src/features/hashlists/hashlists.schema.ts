import { z } from "@hono/zod-openapi";

export const HASH_LIST_ID = /^kbl_[0-9A-HJKMNP-TV-Z]{26}$/;
export const HashListParams = z.object({ id: z.string().regex(HASH_LIST_ID, "a hash list id (kbl_…)") });

export const secured = { tags: ["Hash lists"], security: [{ bearerAuth: [] }] };

const FORMAT =
  "One hash per line, or CSV whose first column is the hash (ThreatExchange's `hash,quality,…`); blank lines, `#` comments and a header line are skipped. PDQ hashes are 64 hex digits, MD5 hashes 32. At most 10,000 per call; any bad line refuses the whole import, naming the lines.";

export const HashListSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["pdq", "md5"]),
    source: z.string(),
    entryCount: z.number().int(),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("HashList");

export const CreateHashListSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(["pdq", "md5"]),
    source: z.string().trim().min(1).max(100).openapi({ example: "NCMEC" }),
    entries: z.string().min(1).openapi({ description: FORMAT }),
  })
  .strict()
  .openapi("CreateHashList");

export const ImportReportSchema = z
  .object({
    list: HashListSchema,
    added: z.number().int(),
    duplicates: z.number().int().openapi({ description: "Entries the list already held, skipped." }),
    blockedAssetIds: z
      .array(z.string())
      .openapi({ description: "Stored assets the new entries match, blocked by this import." }),
  })
  .openapi("HashListImport");

export const ENTRIES_FORMAT = FORMAT;

type ListRow = {
  id: string;
  name: string;
  kind: "pdq" | "md5";
  source: string;
  entryCount: number;
  createdAt: number;
  updatedAt: number;
};

/** A list as the API shows it (never its entries: lists are read in bulk by the matcher only). */
export function presentList(row: ListRow): z.infer<typeof HashListSchema> {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    source: row.source,
    entryCount: row.entryCount,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
