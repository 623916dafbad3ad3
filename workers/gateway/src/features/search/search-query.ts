import type { SearchSettings } from "@fun/tenancy";

/**
 * Turns what someone typed into an FTS5 MATCH expression for one brand:
 *
 * - synonyms (the brand's voice): each typed word matches any word of its synonym group;
 * - blocklist: `NOT` any blocked word in the text columns, so posts carrying one are never found;
 *   a query that asks for a blocked word finds nothing at all.
 *
 * Brand, kind and safe search are filtered in SQL on the matches (search.repo.ts), not in the
 * MATCH: every row's `scope` column holds tokens for them (written by the search.index projection,
 * for ad hoc queries), but a brand's
 * token is on a third of all rows and ANDing such long lists costs FTS5 ~8× more at 1M posts.
 *
 * Typed words never reach FTS5 syntax: they are split into letters and digits and quoted.
 */

/** At most this many words of a query are used. */
export const MAX_QUERY_WORDS = 8;

const WORD = /[\p{L}\p{N}]+/gu;
const TEXT_COLUMNS = "{title body tags}";

/** The words of a query, lower-cased and without diacritics (as the index's tokenizer stores them). */
export function queryWords(text: string): string[] {
  const plain = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  return [...new Set(plain.match(WORD) ?? [])].slice(0, MAX_QUERY_WORDS);
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
export function searchPlan(words: string[], settings: SearchSettings, columns = TEXT_COLUMNS): SearchPlan {
  const blocked = new Set(settings.blockedTerms);
  const expanded = words.map((word) => expand(word, settings));
  if (expanded.some((group) => group.some((word) => blocked.has(word)))) return { kind: "blocked" };
  const wanted = expanded
    .map(([word, ...synonyms]) => `(${[`${quote(word ?? "")}*`, ...synonyms.map(quote)].join(" OR ")})`)
    .join(" AND ");
  let expression = `${columns} : (${wanted})`;
  if (blocked.size > 0)
    expression = `(${expression} NOT ${TEXT_COLUMNS} : (${[...blocked].map(quote).join(" OR ")}))`;
  return { kind: "match", expression, words: expanded };
}
