import { SEED } from "@fun/db/seed";
import { callWorker, expectProblem, grantRole, newPerson } from "@fun/testing";
import { describe, expect, it } from "vitest";
import BRIDGE from "../../../../../testdata/pdq/bridge-1-original.jpg";
import expected from "../../../../../testdata/pdq/expected.json";
import { as, type Brand, fingerprintedAsset, flipped } from "./media.testing";

const bridge = expected.images.find((image) => image.file === "bridge-1-original.jpg");
if (!bridge) throw new Error("the reference set has no bridge-1-original.jpg");

const trace = (
  headers: Record<string, string>,
  body: BodyInit,
  type = "image/jpeg",
  brand: Brand = "girlfanz",
) =>
  callWorker("/v1/media/trace", {
    method: "POST",
    host: `${brand}.localhost`,
    headers: { ...headers, "content-type": type },
    body,
  });

describe("POST /v1/media/trace", () => {
  it("finds every brand's copies of a found image, exact and perceptual, nearest first", async () => {
    const other = await newPerson({ present: true, creator: true });
    const exact = await fingerprintedAsset({
      owner: SEED.profiles.creator.id,
      pdq: bridge.pdq_hex,
      sha256: bridge.sha256,
    });
    const recompressed = await fingerprintedAsset({
      owner: other.profileId,
      pdq: flipped(bridge.pdq_hex, 12),
      brand: "pupfanz",
    });

    const response = await trace(await as(SEED.accounts.staff.id), new Uint8Array(BRIDGE));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { matches: Record<string, unknown>[] } & Record<string, unknown>;
    expect(body).toMatchObject({
      sha256: bridge.sha256,
      perceptual: true,
      threshold: 31,
      knownBad: { matched: false },
    });
    const mine = body.matches.filter(
      (m) => m.assetId === exact.assetId || m.assetId === recompressed.assetId,
    );
    expect(mine).toEqual([
      expect.objectContaining({
        assetId: exact.assetId,
        distance: 0,
        exact: true,
        tenantId: SEED.tenants.girlfanz.id,
      }),
      expect.objectContaining({
        assetId: recompressed.assetId,
        creatorId: other.profileId,
        distance: 12,
        exact: false,
        tenantId: SEED.tenants.pupfanz.id,
      }),
    ]);
  });

  it("refuses what is not a readable image with 415, 422 or 413", async () => {
    const headers = await as(SEED.accounts.staff.id);
    await expectProblem(await trace(headers, "hello", "text/plain"), 415, "unsupported_media_type");
    const truncated = await expectProblem(
      await trace(headers, new Uint8Array(BRIDGE).slice(0, 600)),
      422,
      "unprocessable_content",
    );
    expect(truncated.detail).toMatch(/corrupt or truncated/);
    await expectProblem(await trace(headers, new Uint8Array(17 * 1024 * 1024)), 413, "payload_too_large");
  });

  it("is for this brand's staff: creators get 403, anonymous callers 401, another brand's staff 403", async () => {
    await expectProblem(await trace({}, new Uint8Array(BRIDGE)), 401, "unauthenticated");
    await expectProblem(
      await trace(await as(SEED.accounts.creator.id), new Uint8Array(BRIDGE)),
      403,
      "forbidden",
    );
    const pupStaff = await newPerson({ present: true });
    await grantRole(pupStaff.id, "staff", "pupfanz");
    await expectProblem(await trace(await as(pupStaff.id), new Uint8Array(BRIDGE)), 403, "forbidden");
    expect(
      (await trace(await as(pupStaff.id, "pupfanz"), new Uint8Array(BRIDGE), "image/jpeg", "pupfanz")).status,
    ).toBe(200);
  });
});
