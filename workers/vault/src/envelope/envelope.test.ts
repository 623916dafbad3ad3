import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storedSize, TamperedObjectError } from "./chunked-gcm";
import { type EnvelopeHeader, openObject, rewrapHeader, sealObject } from "./envelope";

const MASTER = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255)));
const OTHER_MASTER = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i)));
const CHUNK = 64 * 1024;

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536)
    crypto.getRandomValues(bytes.subarray(i, Math.min(length, i + 65536)));
  return bytes;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Encrypts `plain` into R2 at `key` as the vault stores objects; answers the header. */
async function store(key: string, plain: Uint8Array, tenantId = "ten_girlfanz", chunkSize = CHUNK) {
  const sealed = await sealObject(MASTER, {
    objectId: key,
    tenantId,
    kekVersion: 1,
    plainSize: plain.length,
    chunkSize,
  });
  const body = new Blob([plain])
    .stream()
    .pipeThrough(sealed.encrypt)
    .pipeThrough(new FixedLengthStream(sealed.storedSize));
  await env.MEDIA_BUCKET.put(key, body);
  return sealed.header;
}

async function read(
  key: string,
  header: EnvelopeHeader,
  range?: { start: number; end: number },
  master = MASTER,
) {
  const opened = await openObject(master, key, header, range);
  const object = await env.MEDIA_BUCKET.get(key, { range: opened.stored });
  if (!object) throw new Error("stored object missing");
  return collect(object.body.pipeThrough(opened.decrypt));
}

async function rewriteStored(key: string, change: (bytes: Uint8Array) => Uint8Array) {
  const object = await env.MEDIA_BUCKET.get(key);
  if (!object) throw new Error("stored object missing");
  await env.MEDIA_BUCKET.put(key, change(new Uint8Array(await object.arrayBuffer())));
}

describe("envelope encryption", () => {
  it("stores a multi-chunk object encrypted and reads it back byte for byte", async () => {
    const plain = randomBytes(5 * CHUNK + 1234);
    const header = await store("enc/whole", plain);
    expect(header).toMatchObject({
      format: "fun-vault/v1",
      kekVersion: 1,
      chunkSize: CHUNK,
      plainSize: plain.length,
    });
    const stored = await env.MEDIA_BUCKET.get("enc/whole");
    expect(stored?.size).toBe(storedSize(plain.length, CHUNK));
    const raw = new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0));
    expect(raw.subarray(0, 64)).not.toEqual(plain.subarray(0, 64));
    expect(await read("enc/whole", header)).toEqual(plain);
  });

  it("decrypts only what a range needs: first and last byte, across chunk boundaries, the tail", async () => {
    const plain = randomBytes(3 * CHUNK + 100);
    const header = await store("enc/ranges", plain);
    const size = plain.length;
    for (const [start, end] of [
      [0, 0],
      [size - 1, size - 1],
      [CHUNK - 5, CHUNK + 5],
      [CHUNK, 2 * CHUNK - 1],
      [size - 100, size - 1],
      [10, 3 * CHUNK + 50],
    ] as const) {
      expect(await read("enc/ranges", header, { start, end }), `${start}-${end}`).toEqual(
        plain.slice(start, end + 1),
      );
    }
    await expect(openObject(MASTER, "enc/ranges", header, { start: size - 1, end: size })).rejects.toThrow(
      RangeError,
    );
  });

  it("refuses a changed byte in the chunks a read touches, and still serves the others", async () => {
    const plain = randomBytes(3 * CHUNK);
    const header = await store("enc/flipped", plain);
    await rewriteStored("enc/flipped", (bytes) => {
      const at = 2 * (CHUNK + 16) + 100;
      bytes[at] = (bytes[at] ?? 0) ^ 1;
      return bytes;
    });
    await expect(read("enc/flipped", header)).rejects.toThrow(TamperedObjectError);
    await expect(read("enc/flipped", header, { start: 2 * CHUNK, end: 2 * CHUNK + 10 })).rejects.toThrow(
      /chunk 2/,
    );
    expect(await read("enc/flipped", header, { start: 0, end: CHUNK - 1 })).toEqual(plain.slice(0, CHUNK));
  });

  it("refuses swapped chunks, a cut-off object and another object's chunks", async () => {
    const plain = randomBytes(3 * CHUNK);
    const header = await store("enc/order", plain);
    const sealedChunk = CHUNK + 16;
    await rewriteStored("enc/order", (bytes) => {
      const swapped = bytes.slice();
      swapped.set(bytes.subarray(sealedChunk, 2 * sealedChunk), 0);
      swapped.set(bytes.subarray(0, sealedChunk), sealedChunk);
      return swapped;
    });
    await expect(read("enc/order", header)).rejects.toThrow(TamperedObjectError);

    // Cut after two chunks and claim that was all: chunk 1 was not sealed as the last one.
    const cut = await store("enc/cut", plain);
    await rewriteStored("enc/cut", (bytes) => bytes.slice(0, 2 * sealedChunk));
    await expect(read("enc/cut", { ...cut, plainSize: 2 * CHUNK })).rejects.toThrow(/chunk 1/);

    // The same bytes under another object's name do not open.
    const moved = await store("enc/original", plain);
    const object = await env.MEDIA_BUCKET.get("enc/original");
    await env.MEDIA_BUCKET.put("enc/copy", (await object?.arrayBuffer()) ?? new ArrayBuffer(0));
    await expect(read("enc/copy", moved)).rejects.toThrow(TamperedObjectError);
  });

  it("opens only under the tenant's key of its version, and keeps reading across a rewrap", async () => {
    const plain = randomBytes(CHUNK + 1);
    const header = await store("enc/keys", plain, "ten_pupfanz");
    await expect(openObject(MASTER, "enc/keys", { ...header, tenantId: "ten_girlfanz" })).rejects.toThrow(
      /data key/,
    );
    await expect(openObject(MASTER, "enc/keys", { ...header, kekVersion: 2 })).rejects.toThrow(/data key/);
    await expect(openObject(OTHER_MASTER, "enc/keys", header)).rejects.toThrow(/data key/);

    const rotated = await rewrapHeader(MASTER, header, 2);
    expect(rotated).toMatchObject({
      kekVersion: 2,
      chunkSize: header.chunkSize,
      plainSize: header.plainSize,
    });
    expect(rotated.wrappedKey).not.toBe(header.wrappedKey);
    // Old and new headers both read the body, which was never re-encrypted.
    expect(await read("enc/keys", rotated)).toEqual(plain);
    expect(await read("enc/keys", header)).toEqual(plain);
  });

  it("stores an empty object as one authenticated empty chunk", async () => {
    const header = await store("enc/empty", new Uint8Array());
    expect((await env.MEDIA_BUCKET.head("enc/empty"))?.size).toBe(16);
    expect(await read("enc/empty", header)).toEqual(new Uint8Array());
    await rewriteStored("enc/empty", (bytes) => {
      bytes[3] = (bytes[3] ?? 0) ^ 1;
      return bytes;
    });
    await expect(read("enc/empty", header)).rejects.toThrow(TamperedObjectError);
  });
});
