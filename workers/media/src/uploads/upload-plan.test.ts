import { describe, expect, it } from "vitest";
import { MAX_PARTS, MIN_PART_BYTES, partLength, planUpload } from "./upload-plan";
import { checkUploadGrant, signUploadGrant } from "./upload-token";

const MiB = 1024 * 1024;
const SECRET = "a-test-secret-of-at-least-thirty-two-characters";

describe("planning an upload", () => {
  it("sends files up to 64 MiB in one PUT and larger ones in parts of 16 MiB", () => {
    expect(planUpload(64 * MiB)).toEqual({ kind: "single", bytes: 64 * MiB });
    // The blueprint's 700 MB video.
    expect(planUpload(734_003_200)).toEqual({
      kind: "multipart",
      bytes: 734_003_200,
      partSize: 16 * MiB,
      partCount: 44,
    });
  });

  it("uses the part size a client asks for, and grows parts so 10,000 hold the file", () => {
    expect(planUpload(11 * MiB, 5 * MiB)).toMatchObject({ partSize: 5 * MiB, partCount: 3 });
    expect(planUpload(4 * MiB, 5 * MiB)).toEqual({ kind: "single", bytes: 4 * MiB });
    const huge = planUpload(200 * 1024 * MiB);
    if (huge.kind !== "multipart") throw new Error("multipart expected");
    expect(huge.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(huge.partSize % MiB).toBe(0);
    expect(huge.partSize * huge.partCount).toBeGreaterThanOrEqual(200 * 1024 * MiB);
  });

  it("makes every part but the last the full size, never under R2's 5 MiB minimum", () => {
    const plan = { bytes: 11 * MiB + 7, partSize: 5 * MiB, partCount: 3 };
    expect([1, 2, 3].map((n) => partLength(plan, n))).toEqual([5 * MiB, 5 * MiB, MiB + 7]);
    expect(partLength(plan, 1)).toBeGreaterThanOrEqual(MIN_PART_BYTES);
  });
});

describe("the upload URL token", () => {
  const grant = {
    assetId: "ast_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q",
    partNumber: 2,
    length: 5 * MiB,
    expires: 2_000_000_000,
  };

  it("holds for exactly the asset, part, length and expiry it was made for", async () => {
    const token = await signUploadGrant(SECRET, grant);
    const now = 1_900_000_000_000;
    expect(await checkUploadGrant(SECRET, grant, token, now)).toBe("valid");
    for (const changed of [
      { assetId: "ast_01JH6Q7J9W8Z3Y2X1V0T9S8R7R" },
      { partNumber: 3 },
      { length: 5 * MiB + 1 },
      { expires: grant.expires + 1 },
    ])
      expect(await checkUploadGrant(SECRET, { ...grant, ...changed }, token, now)).toBe("bad_signature");
    expect(await checkUploadGrant(`${SECRET}x`, grant, token, now)).toBe("bad_signature");
    expect(await checkUploadGrant(SECRET, grant, "%%%", now)).toBe("bad_signature");
  });

  it("expires at its expiry, and refuses a secret too short to be safe", async () => {
    const token = await signUploadGrant(SECRET, grant);
    expect(await checkUploadGrant(SECRET, grant, token, grant.expires * 1000)).toBe("expired");
    await expect(signUploadGrant("short", grant)).rejects.toThrow("at least 32");
  });
});
