/**
 * How a file is sent: one PUT, or an R2 multipart upload whose parts are PUT one by one (and can be
 * resumed part by part). The numbers follow R2's limits: every part but the last at least 5 MiB, at
 * most 10,000 parts. Parts are also kept under what a Worker accepts as one request body (100 MB on
 * the smaller plans), because the worker route streams each part through the media worker.
 */

const MiB = 1024 * 1024;

export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PART_BYTES = 64 * MiB;
export const DEFAULT_PART_BYTES = 16 * MiB;
/** Files above this go multipart unless the client asks for another part size. */
export const SINGLE_PUT_MAX_BYTES = 64 * MiB;
export const MAX_PARTS = 10_000;
/** The largest file an upload can carry: 10,000 parts of the largest size. */
export const MAX_UPLOAD_BYTES = MAX_PARTS * MAX_PART_BYTES;

export type UploadPlan =
  | { kind: "single"; bytes: number }
  | { kind: "multipart"; bytes: number; partSize: number; partCount: number };

/**
 * The plan for a file of `bytes`: a single PUT up to 64 MiB, else parts of 16 MiB (larger when
 * 10,000 of those would not hold the file, rounded up to whole MiB). A client that asks for
 * `partSize` (5-64 MiB, e.g. to resume a flaky mobile upload in small steps) gets multipart as soon
 * as the file is larger than one part.
 */
export function planUpload(bytes: number, requestedPartSize?: number): UploadPlan {
  const threshold = requestedPartSize ?? SINGLE_PUT_MAX_BYTES;
  if (bytes <= threshold) return { kind: "single", bytes };
  const fitting = Math.ceil(Math.ceil(bytes / MAX_PARTS) / MiB) * MiB;
  const partSize = Math.max(requestedPartSize ?? DEFAULT_PART_BYTES, fitting);
  return { kind: "multipart", bytes, partSize, partCount: Math.ceil(bytes / partSize) };
}

/** The byte length of part `partNumber` (1-based): every part is `partSize` but the last. */
export function partLength(plan: { bytes: number; partSize: number; partCount: number }, partNumber: number) {
  return partNumber < plan.partCount ? plan.partSize : plan.bytes - plan.partSize * (plan.partCount - 1);
}
