import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { beforeEach, describe, expect, it } from "vitest";
import LABELME from "../../../../testdata/pdq/labelme-q0122.jpg";
import MISC from "../../../../testdata/pdq/misc-wee.jpg";
import PEN from "../../../../testdata/pdq/pen-and-coaster.png";
import { eventsAbout, ingested, newCreator, reference, row, rows } from "../screening/screening.testing";
import { parseHashList } from "./hash-list";
import { addKnownBadEntries, createKnownBadList } from "./import-list";

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM media_pdq_index"),
    env.DB.prepare("DELETE FROM known_bad_list"),
  ]);
});

const admin = SEED.accounts.staff.id;
let lists = 0;
const listName = () => `Industry list ${++lists}`;

/** The hash with its first `bits` bits flipped. */
function flipped(hash: string, bits: number): string {
  const value = BigInt(`0x${hash}`) ^ (((1n << BigInt(bits)) - 1n) << 200n);
  return value.toString(16).padStart(64, "0");
}

const md5Of = async (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("MD5", bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");

const blockState = (assetId: string) =>
  row<{ blocked_at: number | null; moderation_state: string }>(
    "SELECT blocked_at, moderation_state FROM media_asset WHERE id = ?",
    assetId,
  );

describe("parseHashList", () => {
  it("reads plain lists and CSV with a header, comments and either case", () => {
    const pdq = reference("pen-and-coaster.png").pdq_hex;
    expect(parseHashList(`hash,quality\n# from the exchange\n${pdq.toUpperCase()},100\n\n`, "pdq")).toEqual({
      ok: true,
      value: [pdq],
    });
    expect(parseHashList(`${"a".repeat(32)}\n"${"B".repeat(32)}"`, "md5")).toEqual({
      ok: true,
      value: ["a".repeat(32), "b".repeat(32)],
    });
  });

  it("refuses a list with any bad line, naming the lines, and hashes of the other kind", () => {
    const result = parseHashList(`md5\n${"a".repeat(32)}\nnot-a-hash\n${"c".repeat(64)}`, "md5");
    expect(result).toEqual({
      ok: false,
      error: {
        detail: "2 line(s) do not start with a MD5 hash (32 hex digits)",
        lines: [
          { line: 3, text: "not-a-hash" },
          { line: 4, text: "c".repeat(64) },
        ],
      },
    });
    expect(parseHashList("# nothing here\n", "pdq")).toMatchObject({
      ok: false,
      error: { detail: "the list holds no hashes" },
    });
  });
});

describe("known-bad lists", () => {
  it("blocks a matching upload at ingest: rejected, unpublished, a case, a pending report and an event", async () => {
    const pen = reference("pen-and-coaster.png");
    const created = await createKnownBadList(env, {
      name: listName(),
      kind: "pdq",
      source: "NCMEC",
      accountId: admin,
      // A near copy of the picture's hash, as another hasher would list it.
      entries: `${flipped(pen.pdq_hex, 6)}\n${"0f".repeat(32)}`,
    });
    expect(created).toMatchObject({ ok: true, value: { added: 2, duplicates: 0, blockedAssetIds: [] } });
    if (!created.ok) return;
    expect(created.value.list).toMatchObject({ kind: "pdq", source: "NCMEC", entryCount: 2 });

    const creator = await newCreator();
    const upload = await ingested(creator, PEN, { mime: "image/png", published: true });
    expect(await blockState(upload.assetId)).toMatchObject({
      moderation_state: "rejected",
      blocked_at: expect.any(Number),
    });
    expect(
      await rows("SELECT status FROM content_tenant_map WHERE content_id = ?", upload.contentId),
    ).toEqual([{ status: "hidden" }]);
    const modCase = await row<{ id: string; tenant_id: string | null; reason: string; details: string }>(
      "SELECT id, tenant_id, reason, details FROM moderation_case WHERE asset_id = ?",
      upload.assetId,
    );
    expect(modCase).toMatchObject({ tenant_id: null, reason: "known_bad_match" });
    expect(JSON.parse(String(modCase?.details))).toMatchObject({
      detector: "pdq",
      listId: created.value.list.id,
      distance: 6,
    });
    expect(
      await rows(
        "SELECT case_id, list_id, matched_hash, distance, status FROM safety_report WHERE asset_id = ?",
        upload.assetId,
      ),
    ).toEqual([
      {
        case_id: modCase?.id,
        list_id: created.value.list.id,
        matched_hash: flipped(pen.pdq_hex, 6),
        distance: 6,
        status: "pending",
      },
    ]);
    expect(await eventsAbout("fun.moderation.flagged", upload.assetId)).toEqual([
      { subjectType: "asset", subjectId: upload.assetId, reason: "known_bad_match", detector: "pdq-list" },
    ]);
    expect(await eventsAbout("fun.content.updated", upload.contentId)).toContainEqual({
      contentId: upload.contentId,
      change: "removed",
    });
    // A blocked asset is not indexed as an original others could be linked to.
    expect(
      await row("SELECT subject_id FROM media_pdq_index WHERE subject_id = ?", upload.assetId),
    ).toBeNull();
  });

  it("does not block a picture further than the threshold from every entry", async () => {
    const pen = reference("pen-and-coaster.png");
    await createKnownBadList(env, {
      name: listName(),
      kind: "pdq",
      source: "IWF",
      accountId: admin,
      entries: flipped(pen.pdq_hex, 40),
    });
    const upload = await ingested(await newCreator(), PEN, { mime: "image/png" });
    expect(await blockState(upload.assetId)).toEqual({ blocked_at: null, moderation_state: "pending" });
  });

  it("blocks assets stored before the list arrived, by MD5 and by PDQ", async () => {
    const creator = await newCreator();
    const byMd5 = await ingested(creator, MISC);
    const byPdq = await ingested(creator, LABELME);
    const clean = await ingested(creator, PEN, { mime: "image/png" });

    const md5List = await createKnownBadList(env, {
      name: listName(),
      kind: "md5",
      source: "NCMEC",
      accountId: admin,
      entries: await md5Of(MISC),
    });
    expect(md5List).toMatchObject({ ok: true, value: { blockedAssetIds: [byMd5.assetId] } });

    const pdqList = await createKnownBadList(env, {
      name: listName(),
      kind: "pdq",
      source: "internal",
      accountId: admin,
      entries: "f".repeat(64),
    });
    if (!pdqList.ok) throw new Error("list not created");
    const added = await addKnownBadEntries(
      env,
      pdqList.value.list.id,
      `${"f".repeat(64)}\n${flipped(reference("labelme-q0122.jpg").pdq_hex, 3)}`,
    );
    expect(added).toMatchObject({
      ok: true,
      value: { added: 1, duplicates: 1, blockedAssetIds: [byPdq.assetId], list: { entryCount: 2 } },
    });

    expect((await blockState(byMd5.assetId))?.blocked_at).not.toBeNull();
    expect((await blockState(byPdq.assetId))?.blocked_at).not.toBeNull();
    expect(await blockState(clean.assetId)).toMatchObject({ blocked_at: null });
    expect(
      await rows("SELECT status FROM safety_report WHERE asset_id IN (?, ?)", byMd5.assetId, byPdq.assetId),
    ).toHaveLength(2);
  });

  it("keeps list names unique and imports nothing from a list with a bad line", async () => {
    const name = listName();
    expect(
      await createKnownBadList(env, {
        name,
        kind: "md5",
        source: "x",
        accountId: admin,
        entries: "a".repeat(32),
      }),
    ).toMatchObject({ ok: true });
    expect(
      await createKnownBadList(env, {
        name,
        kind: "md5",
        source: "x",
        accountId: admin,
        entries: "b".repeat(32),
      }),
    ).toEqual({
      ok: false,
      error: { code: "name_taken" },
    });
    const before = await row<{ n: number }>("SELECT count(*) AS n FROM known_bad_hash");
    const list = await rows<{ id: string }>("SELECT id FROM known_bad_list WHERE name = ?", name);
    expect(await addKnownBadEntries(env, list[0]?.id ?? "", `${"c".repeat(32)}\nnope`)).toMatchObject({
      ok: false,
      error: { code: "invalid_list", problem: { lines: [{ line: 2, text: "nope" }] } },
    });
    expect(await row<{ n: number }>("SELECT count(*) AS n FROM known_bad_hash")).toEqual(before);
    expect(await addKnownBadEntries(env, "kbl_01JZ0000000000000000000000", "a".repeat(32))).toEqual({
      ok: false,
      error: { code: "unknown_list" },
    });
  });
});
