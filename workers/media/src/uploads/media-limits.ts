import { type CoreDb, tenant } from "@fun/db";
import { type MediaSettings, TenantSettingsSchema } from "@fun/tenancy";
import { eq } from "drizzle-orm";
import { mediaKind } from "./sniff-type";
import { MAX_PART_BYTES, MAX_UPLOAD_BYTES, MIN_PART_BYTES } from "./upload-plan";

/** A file a client says it will upload. */
export interface DeclaredFile {
  mime: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the whole file, checked when the upload completes. */
  sha256?: string | null;
  /** Ask for a multipart upload in parts of this many bytes. */
  partSize?: number | null;
}

/** One wrong field of an upload request, as the gateway reports it (`files.0.mime`). */
export interface UploadFieldError {
  path: string;
  message: string;
}

export interface BrandMedia {
  slug: string;
  media: MediaSettings;
}

/** What the brand an upload goes through accepts (its `settings.media`, defaults when unset). */
export async function brandMedia(db: CoreDb, tenantId: string): Promise<BrandMedia> {
  const row = await db
    .select({ slug: tenant.slug, settings: tenant.settings })
    .from(tenant)
    .where(eq(tenant.id, tenantId))
    .get();
  if (!row) throw new Error(`no tenant ${tenantId}`);
  // A brand without media settings gets the defaults; malformed ones are a configuration error.
  return { slug: row.slug, media: TenantSettingsSchema.shape.media.parse(row.settings.media) };
}

const MiB = 1024 * 1024;
const size = (bytes: number) =>
  bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes.toLocaleString("en-US")} bytes`;

/** Why a type is refused on a brand, or undefined when it is accepted. */
export function refusedType(brand: BrandMedia, type: string): string | undefined {
  if (brand.media.allowedTypes.includes(type)) return undefined;
  return `${brand.slug} does not accept ${type}; it accepts ${brand.media.allowedTypes.join(", ")}`;
}

/** Why a size is refused for a type on a brand, or undefined when it is within the limits. */
export function refusedSize(brand: BrandMedia, type: string, bytes: number): string | undefined {
  const kind = mediaKind(type);
  if (!kind) return `${type} is not an image, video or audio type`;
  const limit = Math.min(brand.media.maxBytes[kind], MAX_UPLOAD_BYTES);
  if (bytes > limit)
    return `${brand.slug} accepts ${kind} files of at most ${size(limit)}; this one is ${size(bytes)}`;
  return undefined;
}

/** Every field of the declared files that the brand or the upload protocol refuses. */
export function checkDeclaredFiles(brand: BrandMedia, files: readonly DeclaredFile[]): UploadFieldError[] {
  const errors: UploadFieldError[] = [];
  files.forEach((file, i) => {
    const typeProblem = refusedType(brand, file.mime);
    if (typeProblem) errors.push({ path: `files.${i}.mime`, message: typeProblem });
    if (!Number.isSafeInteger(file.bytes) || file.bytes < 1)
      errors.push({ path: `files.${i}.bytes`, message: "a file has at least 1 byte" });
    else {
      const sizeProblem = typeProblem ? undefined : refusedSize(brand, file.mime, file.bytes);
      if (sizeProblem) errors.push({ path: `files.${i}.bytes`, message: sizeProblem });
    }
    if (file.sha256 != null && !/^[0-9a-f]{64}$/.test(file.sha256))
      errors.push({ path: `files.${i}.sha256`, message: "64 lowercase hex characters" });
    if (
      file.partSize != null &&
      (!Number.isSafeInteger(file.partSize) ||
        file.partSize < MIN_PART_BYTES ||
        file.partSize > MAX_PART_BYTES)
    )
      errors.push({
        path: `files.${i}.partSize`,
        message: `parts are from ${size(MIN_PART_BYTES)} to ${size(MAX_PART_BYTES)}`,
      });
  });
  return errors;
}
