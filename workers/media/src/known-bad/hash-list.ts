import { err, ok, type Result } from "@fun/core";
import type { KnownBadKind } from "./known-bad.repo";

/** The most entries one import call takes: larger lists arrive in several calls to the same list. */
export const MAX_IMPORT_ENTRIES = 10_000;

const HEX_LENGTH: Record<KnownBadKind, number> = { pdq: 64, md5: 32 };

export interface HashListProblem {
  detail: string;
  /** Up to ten offending lines, 1-based, as the file numbers them. */
  lines: { line: number; text: string }[];
}

/**
 * Reads a hash list as the industry ships them: one hash per line, or CSV whose first column is the
 * hash (ThreatExchange's PDQ exports are `hash,quality,…`). Blank lines and `#` comments are skipped,
 * and so is a header in the first line. Every other line must hold a hash of the list's kind
 * (64 hex digits for PDQ, 32 for MD5), or nothing is imported.
 */
export function parseHashList(text: string, kind: KnownBadKind): Result<string[], HashListProblem> {
  const length = HEX_LENGTH[kind];
  const pattern = new RegExp(`^[0-9a-fA-F]{${length}}$`);
  const hashes: string[] = [];
  const bad: HashListProblem["lines"] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const first = (line.split(/[,;\t ]/)[0] ?? "").replace(/^"|"$/g, "");
    if (pattern.test(first)) hashes.push(first.toLowerCase());
    // A first line that is not hex at all is a header ("hash", "md5", "pdq,quality").
    else if (!(index === 0 && !/^[0-9a-f]+$/i.test(first)))
      bad.push({ line: index + 1, text: line.slice(0, 80) });
  });
  if (bad.length > 0)
    return err({
      detail: `${bad.length} line(s) do not start with a ${kind === "pdq" ? "PDQ hash (64 hex digits)" : "MD5 hash (32 hex digits)"}`,
      lines: bad.slice(0, 10),
    });
  if (hashes.length === 0) return err({ detail: "the list holds no hashes", lines: [] });
  if (hashes.length > MAX_IMPORT_ENTRIES)
    return err({
      detail: `the list holds ${hashes.length} hashes; import at most ${MAX_IMPORT_ENTRIES} per call`,
      lines: [],
    });
  return ok(hashes);
}
