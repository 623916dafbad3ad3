import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { beforeEach, describe, expect, it } from "vitest";
import BRIDGE from "../../../../testdata/pdq/bridge-1-original.jpg";
import BRIDGE_SQUARE from "../../../../testdata/pdq/bridge-square-512x512.jpg";
import FLAT from "../../../../testdata/pdq/labelme-q0003.jpg";
import PEN from "../../../../testdata/pdq/pen-and-coaster.png";
import { createKnownBadList } from "../known-bad/import-list";
import { ingested, newCreator, reference } from "./screening.testing";
import { traceImage } from "./trace-image";

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM media_pdq_index"),
    env.DB.prepare("DELETE FROM known_bad_list"),
  ]);
});

describe("traceImage", () => {
  it("finds exact copies and the same picture on every brand, nearest first", async () => {
    const alice = await newCreator();
    const bob = await newCreator();
    const original = await ingested(alice, BRIDGE, { brand: "girlfanz" });
    const copy = await ingested(bob, BRIDGE_SQUARE, { brand: "daddyfanz" });
    await ingested(bob, PEN, { mime: "image/png" });

    const traced = await traceImage(env, new Uint8Array(BRIDGE));
    expect(traced.ok).toBe(true);
    if (!traced.ok) return;
    expect(traced.value).toMatchObject({
      sha256: reference("bridge-1-original.jpg").sha256,
      pdq: { quality: 100 },
      threshold: 31,
      perceptual: true,
      knownBad: { matched: false },
    });
    expect(traced.value.matches).toEqual([
      expect.objectContaining({
        assetId: original.assetId,
        creatorId: alice,
        distance: 0,
        exact: true,
        blocked: false,
      }),
      expect.objectContaining({
        assetId: copy.assetId,
        creatorId: bob,
        distance: 2,
        transform: "orig",
        exact: false,
      }),
    ]);
    expect(new Set(traced.value.matches.map((m) => m.tenantId)).size).toBe(2);
  });

  it("says when the picture is on a known-bad list", async () => {
    await createKnownBadList(env, {
      name: "trace list",
      kind: "pdq",
      source: "NCMEC",
      accountId: SEED.accounts.staff.id,
      entries: reference("pen-and-coaster.png").pdq_hex,
    });
    const traced = await traceImage(env, new Uint8Array(PEN));
    expect(traced).toMatchObject({
      ok: true,
      value: {
        knownBad: { matched: true, list: { name: "trace list", kind: "pdq", source: "NCMEC" } },
      },
    });
  });

  it("matches a flat picture only by its bytes, and refuses what is not a whole image", async () => {
    const alice = await newCreator();
    const flat = await ingested(alice, FLAT);
    const traced = await traceImage(env, new Uint8Array(FLAT));
    expect(traced).toMatchObject({
      ok: true,
      value: { perceptual: false, matches: [{ assetId: flat.assetId, exact: true }] },
    });
    expect(await traceImage(env, new Uint8Array())).toEqual({ ok: false, error: "the image is empty" });
    expect(await traceImage(env, new Uint8Array(BRIDGE).slice(0, 600))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/corrupt or truncated/),
    });
    expect(await traceImage(env, new TextEncoder().encode("GIF89a not supported"))).toMatchObject({
      ok: false,
    });
  });
});
