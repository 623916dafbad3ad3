import { SEED } from "@fun/db/seed";
import { callBrand, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { as } from "../media/media.testing";

describe("vault key rotation", () => {
  it("lets a brand's staff rotate its keys and follow the rotation until the old version retires", async () => {
    const headers = await as(SEED.accounts.staff.id, "pupfanz");
    const before = await callBrand("GET", "/v1/vault/keys", headers, undefined, "pupfanz");
    expect(before.status).toBe(200);
    const current = ((await before.json()) as { versions: { version: number; state: string }[] }).versions[0];
    expect(current?.state).toBe("active");

    const rotated = await callBrand("POST", "/v1/vault/keys:rotate", headers, undefined, "pupfanz");
    expect(rotated.status).toBe(202);
    const started = (await rotated.json()) as { from: number; to: number };
    expect(started.to).toBe((current?.version ?? 0) + 1);
    expect(started.from).toBe(current?.version);

    // Nothing is stored under the old version, so the background rewrap retires it at once.
    for (let i = 0; i < 50; i++) {
      const { versions } = (await (
        await callBrand("GET", "/v1/vault/keys", headers, undefined, "pupfanz")
      ).json()) as {
        versions: { version: number; state: string; objects: number }[];
      };
      const old = versions.find((v) => v.version === started.from);
      if (old?.state === "retired") {
        expect(versions[0]).toMatchObject({ version: started.to, state: "active" });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the old key version was not retired");
  });

  it("is for staff holding vault:keys on this brand only", async () => {
    await expectProblem(await callBrand("POST", "/v1/vault/keys:rotate"), 401, "unauthenticated");
    for (const accountId of [SEED.accounts.creator.id, SEED.accounts.fan.id]) {
      await expectProblem(
        await callBrand("POST", "/v1/vault/keys:rotate", await as(accountId)),
        403,
        "forbidden",
      );
    }
    const pupStaff = await newPerson({ present: true });
    await grantRole(pupStaff.id, "staff", "pupfanz");
    await expectProblem(await callBrand("GET", "/v1/vault/keys", await as(pupStaff.id)), 403, "forbidden");
  });
});
