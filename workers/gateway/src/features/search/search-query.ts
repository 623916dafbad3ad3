import type { SearchSettings } from "@fun/tenancy";

/**
 * Turns what someone typed into an FTS5 MATCH expression for one brand. Everything the brand
 * decides is part of the expression itself, so the index does the filtering:
 *
 * - tenancy and kind: every row's `scope` column holds tokens for its brand, kind and rating, and
 *   the expression requires this brand's and this kind's;
 * - synonyms (the brand's voice): each typed word matches any word of its synonym group;
 * - safe search: `NOT scope:ratingexplicit`;
 * - blocklist: `NOT` any blocked word in the text columns; a query that asks for a blocked word
 *   finds nothing at all.
 *
 * Typed words never reach FTS5 syntax: they are split into letters and digits and quoted.
 */

export type SearchKind = "profile" | "content";

/** At most this many words of a query are used. */
export const MAX_QUERY_WORDS = 8;

const WORD = /[\p{L}\p{N}]+/gu;
const TEXT_COLUMNS = "{title body tags}";

/** The words of a query, lower-cased and without diacritics (as the index's tokenizer stores them). */
export function queryWords(text: string): string[] {
  const plain = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  return [...new Set(plain.match(WORD) ?? [])].slice(0, MAX_QUERY_WORDS);
}

/** The token of a scope value: letters and digits only, so the tokenizer keeps it whole. */
const scopeToken = (prefix: string, value: string) =>
  `${prefix}${value.toLowerCase().replace(/[^a-z0-9]/g, "")}`;

/** What goes in a row's `scope` column: its brand, kind and rating. */
export function scopeOf(tenantId: string, kind: SearchKind, rating: "general" | "explicit"): string {
  return [scopeToken("tenant", tenantId), scopeToken("kind", kind), scopeToken("rating", rating)].join(" ");
}

/** The words that find each other with `word` on this brand: its synonym group, or itself. */
export function expand(word: string, settings: SearchSettings): string[] {
  const group = settings.synonyms.find((words) => words.includes(word));
  return group ? [word, ...group.filter((other) => other !== word)] : [word];
}

const quote = (word: string) => `"${word}"`;

export type SearchPlan = { kind: "blocked" } | { kind: "match"; expression: string; words: string[][] };

/**
 * The MATCH expression for `words` on a brand. The typed word also matches as a prefix ("pupp"
 * finds "puppy"); its synonyms match whole. Each typed word must match (AND).
 */
export function searchPlan(
  words: string[],
  options: { tenantId: string; kind: SearchKind; safe: boolean; settings: SearchSettings; columns?: string },
): SearchPlan {
  const blocked = new Set(options.settings.blockedTerms);
  const expanded = words.map((word) => expand(word, options.settings));
  if (expanded.some((group) => group.some((word) => blocked.has(word)))) return { kind: "blocked" };
  const wanted = expanded
    .map(([word, ...synonyms]) => `(${[`${quote(word ?? "")}*`, ...synonyms.map(quote)].join(" OR ")})`)
    .join(" AND ");
  const columns = options.columns ?? TEXT_COLUMNS;
  let expression = `(scope : (${quote(scopeToken("tenant", options.tenantId))} AND ${quote(scopeToken("kind", options.kind))}) AND ${columns} : (${wanted}))`;
  if (blocked.size > 0)
    expression = `(${expression} NOT ${TEXT_COLUMNS} : (${[...blocked].map(quote).join(" OR ")}))`;
  if (options.safe) expression = `(${expression} NOT scope : ${quote(scopeToken("rating", "explicit"))})`;
  return { kind: "match", expression, words: expanded };
}
