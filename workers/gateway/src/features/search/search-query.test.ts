import type { SearchSettings } from "@fun/tenancy";
import { describe, expect, it } from "vitest";
import { queryWords, searchPlan } from "./search-query";

const settings: SearchSettings = {
  synonyms: [["pup", "puppy", "pupper"]],
  blockedTerms: ["minor"],
  safeByDefault: true,
};

describe("search queries", () => {
  it("keeps only words, lower-cased and without diacritics, so nothing typed becomes FTS5 syntax", () => {
    expect(queryWords('Café "OR" pup* NEAR(a b) -x')).toEqual(["cafe", "or", "pup", "near", "a", "b", "x"]);
    expect(queryWords("  ***  ")).toEqual([]);
    expect(queryWords("one two three four five six seven eight nine")).toHaveLength(8);
  });

  it("expands synonyms, matches the typed word as a prefix, and bakes the blocklist in", () => {
    expect(searchPlan(["pup", "hood"], settings)).toEqual({
      kind: "match",
      words: [["pup", "puppy", "pupper"], ["hood"]],
      expression:
        '({title body tags} : (("pup"* OR "puppy" OR "pupper") AND ("hood"*)) NOT {title body tags} : ("minor"))',
    });
    expect(searchPlan(["beach"], settings, "tags")).toMatchObject({
      expression: '(tags : (("beach"*)) NOT {title body tags} : ("minor"))',
    });
    expect(searchPlan(["beach"], { ...settings, blockedTerms: [] })).toMatchObject({
      expression: '{title body tags} : (("beach"*))',
    });
  });

  it("finds nothing for a blocked word, even through a synonym", () => {
    const withSynonym = { ...settings, synonyms: [["young", "minor"]] };
    expect(searchPlan(["minor"], settings)).toEqual({ kind: "blocked" });
    expect(searchPlan(["young"], withSynonym)).toEqual({ kind: "blocked" });
  });
});
