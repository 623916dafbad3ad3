import { env } from "cloudflare:workers";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import { TamperedObjectError } from "../envelope/chunked-gcm";
import { findObject, readObject, storeObject } from "./vault-objects";

const tenantId = SEED.tenants.girlfanz.id;

function bytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536)
    crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
}

const stream = (data: Uint8Array) => new Blob([data]).stream();
const collect = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());
const sha256 = async (data: Uint8Array) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", data)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");

describe("vault objects", () => {
  it("stores a stream encrypted with its header in D1, and reads it back whole or by range", async () => {
    const plain = bytes(200_000);
    const row = await storeObject(env, {
      storageKey: "vault/test/one",
      tenantId,
      contentType: "image/jpeg",
      plainSize: plain.length,
      body: stream(plain),
    });
    expect(row).toMatchObject({
      tenantId,
      kekVersion: 1,
      chunkSize: 65536,
      plainSize: 200_000,
      sha256: await sha256(plain),
    });
    expect(await findObject(env, "vault/test/one")).toEqual(row);
    // What R2 holds is not the plaintext.
    const raw = await env.MEDIA_BUCKET.get("vault/test/one");
    const stored = new Uint8Array((await raw?.arrayBuffer()) ?? new ArrayBuffer(0));
    expect(stored.length).toBe(200_000 + 4 * 16);
    expect(stored.subarray(0, 32)).not.toEqual(plain.subarray(0, 32));
    expect(JSON.stringify(row)).not.toContain(env.VAULT_MASTER_KEY);

    expect(await collect(await readObject(env, row))).toEqual(plain);
    expect(await collect(await readObject(env, row, { start: 65_530, end: 131_080 }))).toEqual(
      plain.slice(65_530, 131_081),
    );
  });

  it("refuses a stream of another length and records nothing", async () => {
    const plain = bytes(1000);
    await expect(
      storeObject(env, {
        storageKey: "vault/test/short",
        tenantId,
        contentType: "image/png",
        plainSize: 2000,
        body: stream(plain),
      }),
    ).rejects.toThrow();
    expect(await findObject(env, "vault/test/short")).toBeUndefined();
  });

  it("fails a read whose ciphertext was changed in R2", async () => {
    const plain = bytes(70_000);
    const row = await storeObject(env, {
      storageKey: "vault/test/tampered",
      tenantId,
      contentType: "video/mp4",
      plainSize: plain.length,
      body: stream(plain),
    });
    const raw = new Uint8Array(
      (await (await env.MEDIA_BUCKET.get(row.storageKey))?.arrayBuffer()) ?? new ArrayBuffer(0),
    );
    raw[10] = (raw[10] ?? 0) ^ 0x80;
    await env.MEDIA_BUCKET.put(row.storageKey, raw);
    await expect(collect(await readObject(env, row))).rejects.toThrow(TamperedObjectError);
    // The second chunk is untouched and still reads.
    expect(await collect(await readObject(env, row, { start: 65_536, end: 69_999 }))).toEqual(
      plain.slice(65_536),
    );
  });
});
