import { fromBase64Url, toBase64Url } from "@fun/core";
import { ApiError } from "./api-error";

/** Where a keyset page ended: the order key of its last row (a time, a score) and that row's id. */
export interface KeysetPosition {
  key: number;
  id: string;
}

/** The opaque `cursor` of the page after `position`, tagged with the listing that gave it out. */
export function encodeCursor(listing: string, position: KeysetPosition): string {
  return toBase64Url(
    new TextEncoder().encode(JSON.stringify({ l: listing, k: position.key, id: position.id })),
  );
}

/**
 * Reads a `cursor` query parameter: undefined when absent, the position when `encodeCursor` gave it
 * out for this listing and its id has the listing's shape, and a 400 naming `cursor` otherwise.
 */
export function decodeCursor(
  text: string | undefined,
  listing: string,
  idPattern: RegExp,
): KeysetPosition | undefined {
  if (text === undefined) return undefined;
  try {
    const { l, k, id } = JSON.parse(new TextDecoder().decode(fromBase64Url(text))) as Record<string, unknown>;
    if (
      l === listing &&
      typeof k === "number" &&
      Number.isFinite(k) &&
      typeof id === "string" &&
      idPattern.test(id)
    )
      return { key: k, id };
  } catch {
    // Falls through to the refusal below.
  }
  throw new ApiError("validation_failed", `The cursor is not one ${listing} gave out.`, {
    errors: [{ location: "query", path: "cursor", message: `not a ${listing} cursor` }],
  });
}
