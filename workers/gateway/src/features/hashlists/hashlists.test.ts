import { SEED } from "@fun/db/seed";
import { callBrand, callWorker, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import { as, fingerprintedAsset, randomPdq } from "../media/media.testing";

async function safetyStaff() {
  const person = await newPerson();
  await grantRole(person.id, "safety");
  return as(person.id);
}

let lists = 0;
const uniqueName = () => `Industry list ${++lists} ${crypto.randomUUID().slice(0, 6)}`;

const postFile = (headers: Record<string, string>, listId: string, body: string, type = "text/csv") =>
  callWorker(`/v1/hashlists/${listId}/entries`, {
    method: "POST",
    headers: { ...headers, "content-type": type },
    body,
  });

describe("known-bad hash lists", () => {
  it("lets trust & safety import a list, read it back, and add the published file to it", async () => {
    const headers = await safetyStaff();
    const name = uniqueName();
    const created = await callBrand("POST", "/v1/hashlists", headers, {
      name,
      kind: "md5",
      source: "NCMEC",
      entries: `md5\n${"a1".repeat(16)}\n${"b2".repeat(16)}\n`,
    });
    expect(created.status).toBe(201);
    const report = (await created.json()) as { list: { id: string } };
    expect(report).toMatchObject({
      list: { name, kind: "md5", source: "NCMEC", entryCount: 2 },
      added: 2,
      duplicates: 0,
      blockedAssetIds: [],
    });
    expect(created.headers.get("location")).toBe(`/v1/hashlists/${report.list.id}`);

    const added = await postFile(
      headers,
      report.list.id,
      `# weekly update\n${"b2".repeat(16)}\n${"C3".repeat(16)}`,
    );
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({ added: 1, duplicates: 1, list: { entryCount: 3 } });

    const one = await callBrand("GET", `/v1/hashlists/${report.list.id}`, headers);
    expect(await one.json()).toMatchObject({ id: report.list.id, entryCount: 3 });
    const all = (await (await callBrand("GET", "/v1/hashlists", headers)).json()) as {
      items: { id: string }[];
    };
    expect(all.items.map((item) => item.id)).toContain(report.list.id);
  });

  it("refuses a bad file whole, naming its lines, and a taken name, a wrong type or an unknown list", async () => {
    const headers = await safetyStaff();
    const name = uniqueName();
    const bad = await callBrand("POST", "/v1/hashlists", headers, {
      name,
      kind: "pdq",
      source: "IWF",
      entries: `${randomPdq()}\n${"ab".repeat(16)}\nnot a hash`,
    });
    const problem = await expectProblem(bad, 400, "validation_failed");
    expect(problem.errors).toEqual([
      { location: "body", path: "line 2", message: `not a hash: ${"ab".repeat(16)}` },
      { location: "body", path: "line 3", message: "not a hash: not a hash" },
    ]);
    expect(
      (
        (await (await callBrand("GET", "/v1/hashlists", headers)).json()) as { items: { name: string }[] }
      ).items.map((l) => l.name),
    ).not.toContain(name);

    const ok = await callBrand("POST", "/v1/hashlists", headers, {
      name,
      kind: "pdq",
      source: "IWF",
      entries: randomPdq(),
    });
    const { list } = (await ok.json()) as { list: { id: string } };
    await expectProblem(
      await callBrand("POST", "/v1/hashlists", headers, {
        name,
        kind: "pdq",
        source: "IWF",
        entries: randomPdq(),
      }),
      409,
      "conflict",
    );
    await expectProblem(
      await postFile(headers, list.id, randomPdq(), "application/octet-stream"),
      415,
      "unsupported_media_type",
    );
    await expectProblem(
      await postFile(headers, "kbl_01JZ0000000000000000000000", randomPdq()),
      404,
      "not_found",
    );
    await expectProblem(
      await callBrand("POST", "/v1/hashlists", headers, {
        name: uniqueName(),
        kind: "sha1",
        source: "x",
        entries: "x",
      }),
      400,
      "validation_failed",
    );
  });

  it("blocks stored assets an imported entry matches", async () => {
    const pdq = randomPdq();
    const { assetId } = await fingerprintedAsset({ owner: SEED.profiles.creator.id, pdq });
    const response = await callBrand("POST", "/v1/hashlists", await safetyStaff(), {
      name: uniqueName(),
      kind: "pdq",
      source: "internal",
      entries: pdq,
    });
    expect(await response.json()).toMatchObject({ blockedAssetIds: [assetId] });
  });

  it("is for platform-wide trust & safety only: brand staff, creators and anonymous callers are refused", async () => {
    const body = { name: uniqueName(), kind: "md5", source: "x", entries: "a".repeat(32) };
    await expectProblem(await callBrand("POST", "/v1/hashlists", {}, body), 401, "unauthenticated");
    await expectProblem(await callBrand("GET", "/v1/hashlists"), 401, "unauthenticated");
    for (const accountId of [SEED.accounts.staff.id, SEED.accounts.creator.id, SEED.accounts.fan.id]) {
      const headers = await as(accountId);
      await expectProblem(await callBrand("POST", "/v1/hashlists", headers, body), 403, "forbidden");
      await expectProblem(await callBrand("GET", "/v1/hashlists", headers), 403, "forbidden");
    }
    // The safety role granted on one brand only is not platform-wide.
    const scoped = await newPerson();
    await grantRole(scoped.id, "safety", "pupfanz");
    await expectProblem(
      await callBrand("GET", "/v1/hashlists", await as(scoped.id, "pupfanz"), undefined, "pupfanz"),
      403,
      "forbidden",
    );
  });
});
