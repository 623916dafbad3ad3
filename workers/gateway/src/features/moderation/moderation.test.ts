import { SEED } from "@fun/db/seed";
import { callBrand, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { as, fingerprintedAsset, flipped, randomPdq } from "../media/media.testing";

interface CasePage {
  items: {
    id: string;
    reason: string;
    tenantId: string | null;
    assetId: string;
    reports: { status: string }[];
  }[];
  nextCursor: string | null;
}

/** A flagged re-upload on girlfanz (a brand case) and a known-bad block (a platform-wide case). */
async function twoCases() {
  const pdq = randomPdq();
  const other = await newPerson({ present: true, creator: true });
  await fingerprintedAsset({ owner: other.profileId, pdq });
  const copy = await fingerprintedAsset({ owner: SEED.profiles.creator.id, pdq: flipped(pdq, 5) });
  const scanned = await callBrand(
    "POST",
    `/v1/media/${copy.assetId}/scan`,
    await as(SEED.accounts.creator.id),
  );
  expect(await scanned.json()).toMatchObject({ duplicateOf: { action: "flagged" } });

  const badPdq = randomPdq();
  const bad = await fingerprintedAsset({ owner: SEED.profiles.creator.id, pdq: badPdq });
  const imported = await callBrand("POST", "/v1/hashlists", await as(SEED.accounts.safety.id), {
    name: `moderation ${badPdq.slice(0, 10)}`,
    kind: "pdq",
    source: "NCMEC",
    entries: badPdq,
  });
  expect(await imported.json()).toMatchObject({ blockedAssetIds: [bad.assetId] });
  return { flagged: copy.assetId, blocked: bad.assetId };
}

const cases = async (headers: Record<string, string>, query = "", brand = "girlfanz") =>
  (await (
    await callBrand("GET", `/v1/moderation/cases${query}`, headers, undefined, brand)
  ).json()) as CasePage;

describe("moderation cases", () => {
  it("shows a brand's staff its cases, and trust & safety the platform-wide ones too", async () => {
    const { flagged, blocked } = await twoCases();
    const staff = await cases(await as(SEED.accounts.staff.id));
    const flaggedCase = staff.items.find((item) => item.assetId === flagged);
    expect(flaggedCase).toMatchObject({
      reason: "near_duplicate",
      tenantId: SEED.tenants.girlfanz.id,
      reports: [],
    });
    expect(staff.items.map((item) => item.assetId)).not.toContain(blocked);

    const safety = await cases(await as(SEED.accounts.safety.id));
    const blockedCase = safety.items.find((item) => item.assetId === blocked);
    expect(blockedCase).toMatchObject({
      reason: "known_bad_match",
      tenantId: null,
      reports: [{ status: "pending" }],
    });
    expect(safety.items.map((item) => item.assetId)).toContain(flagged);

    const one = await callBrand(
      "GET",
      `/v1/moderation/${blockedCase?.id}`,
      await as(SEED.accounts.safety.id),
    );
    expect(await one.json()).toMatchObject({ id: blockedCase?.id, assetId: blocked, state: "open" });
    await expectProblem(
      await callBrand("GET", `/v1/moderation/${blockedCase?.id}`, await as(SEED.accounts.staff.id)),
      404,
      "not_found",
    );
  });

  it("pages newest first by cursor and filters by state", async () => {
    await twoCases();
    const headers = await as(SEED.accounts.safety.id);
    const first = await cases(headers, "?limit=1&state=open");
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await cases(headers, `?limit=1&state=open&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    expect((await cases(headers, "?state=resolved")).items).toEqual([]);
  });

  it("is for reviewers only: creators and fans 403, anonymous 401, another brand's staff see none of these", async () => {
    const { flagged } = await twoCases();
    await expectProblem(await callBrand("GET", "/v1/moderation/cases"), 401, "unauthenticated");
    for (const accountId of [SEED.accounts.creator.id, SEED.accounts.fan.id]) {
      await expectProblem(
        await callBrand("GET", "/v1/moderation/cases", await as(accountId)),
        403,
        "forbidden",
      );
    }
    const pupStaff = await newPerson({ present: true });
    await grantRole(pupStaff.id, "staff", "pupfanz");
    await expectProblem(
      await callBrand("GET", "/v1/moderation/cases", await as(pupStaff.id)),
      403,
      "forbidden",
    );
    const theirs = await cases(await as(pupStaff.id, "pupfanz"), "", "pupfanz");
    expect(theirs.items.map((item) => item.assetId)).not.toContain(flagged);
  });
});
