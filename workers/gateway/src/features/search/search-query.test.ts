import type { SearchSettings } from "@fun/tenancy";
import { describe, expect, it } from "vitest";
import { queryWords, scopeOf, searchPlan } from "./search-query";

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

  it("scopes to the brand and kind, expands synonyms, and bakes safe search and the blocklist in", () => {
    const plan = searchPlan(["pup", "hood"], {
      tenantId: "ten_01ABC",
      kind: "content",
      safe: true,
      settings,
    });
    expect(plan).toEqual({
      kind: "match",
      words: [["pup", "puppy", "pupper"], ["hood"]],
      expression:
        '(((scope : ("tenantten01abc" AND "kindcontent") AND {title body tags} : (("pup"* OR "puppy" OR "pupper") AND ("hood"*))) NOT {title body tags} : ("minor")) NOT scope : "ratingexplicit")',
    });
    const unsafe = searchPlan(["hood"], { tenantId: "ten_01ABC", kind: "profile", safe: false, settings });
    expect(unsafe.kind === "match" && unsafe.expression).not.toContain("ratingexplicit");
    expect(unsafe.kind === "match" && unsafe.expression).toContain('"kindprofile"');
  });

  it("finds nothing for a blocked word, even through a synonym", () => {
    const withSynonym = { ...settings, synonyms: [["young", "minor"]] };
    expect(searchPlan(["minor"], { tenantId: "t", kind: "content", safe: false, settings })).toEqual({
      kind: "blocked",
    });
    expect(
      searchPlan(["young"], { tenantId: "t", kind: "content", safe: false, settings: withSynonym }),
    ).toEqual({
      kind: "blocked",
    });
  });

  it("writes the same scope tokens the index stores", () => {
    expect(scopeOf("ten_01ABC", "content", "explicit")).toBe("tenantten01abc kindcontent ratingexplicit");
  });
});
