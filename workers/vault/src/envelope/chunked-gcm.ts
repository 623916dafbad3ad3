/**
 * Object bodies encrypted in fixed-size chunks with AES-256-GCM, so that a Range request decrypts
 * only the chunks it touches and a changed, swapped, dropped or reordered chunk fails authentication.
 *
 * Layout: plaintext is cut into chunks of `chunkSize` bytes (the last one shorter, or empty for an
 * empty object); chunk i is stored as its ciphertext followed by the 16-byte GCM tag, so stored chunk
 * i starts at i × (chunkSize + 16). The nonce is the chunk index (96 bits, big-endian): unique because
 * every object has its own data key. The additional data binds each chunk to its object, its index
 * and whether it is the last one: `fun-vault/v1|<objectId>|<index>|<final 0/1>`.
 */

export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** The number of chunks an object of `plainSize` bytes is stored in (an empty object has one). */
export function chunkCount(plainSize: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(plainSize / chunkSize));
}

/** The stored (encrypted) size of an object. */
export function storedSize(plainSize: number, chunkSize: number): number {
  return plainSize + chunkCount(plainSize, chunkSize) * TAG_BYTES;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function nonce(index: number): Uint8Array {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(4, BigInt(index));
  return iv;
}

function additionalData(objectId: string, index: number, final: boolean): Uint8Array {
  return new TextEncoder().encode(`fun-vault/v1|${objectId}|${index}|${final ? 1 : 0}`);
}

async function sealChunk(key: CryptoKey, objectId: string, index: number, final: boolean, plain: Uint8Array) {
  return new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce(index), additionalData: additionalData(objectId, index, final) },
      key,
      plain,
    ),
  );
}

/** Thrown when a chunk does not authenticate: the stored bytes were changed, cut or are not this object's. */
export class TamperedObjectError extends Error {
  constructor(readonly part: number | "data key") {
    super(
      part === "data key"
        ? "the object's wrapped data key does not open under its tenant's key"
        : `chunk ${part} of the object failed authentication`,
    );
    this.name = "TamperedObjectError";
  }
}

async function openChunk(
  key: CryptoKey,
  objectId: string,
  index: number,
  final: boolean,
  sealed: Uint8Array,
) {
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: nonce(index), additionalData: additionalData(objectId, index, final) },
        key,
        sealed,
      ),
    );
  } catch {
    throw new TamperedObjectError(index);
  }
}

/**
 * Encrypts a stream chunk by chunk, holding at most one chunk (plus what the source hands over at
 * once) in memory. The last chunk is known only when the source ends, so a full chunk is sealed only
 * once more bytes follow it.
 */
export function encryptStream(
  key: CryptoKey,
  objectId: string,
  chunkSize = DEFAULT_CHUNK_SIZE,
): TransformStream<Uint8Array, Uint8Array> {
  let buffer = new Uint8Array(0);
  let index = 0;
  return new TransformStream({
    async transform(bytes, controller) {
      const joined = concat(buffer, bytes);
      let offset = 0;
      while (joined.length - offset > chunkSize) {
        controller.enqueue(
          await sealChunk(key, objectId, index++, false, joined.subarray(offset, offset + chunkSize)),
        );
        offset += chunkSize;
      }
      buffer = joined.slice(offset);
    },
    async flush(controller) {
      controller.enqueue(await sealChunk(key, objectId, index, true, buffer));
    },
  });
}

/**
 * Which stored bytes hold plaintext bytes [start, end] (inclusive), and which chunks they are. An
 * empty object is read as the range [0, -1]: its one empty chunk, whose tag still proves it whole.
 */
export function storedRangeFor(start: number, end: number, plainSize: number, chunkSize: number) {
  if (plainSize === 0 && start === 0 && end === -1)
    return { first: 0, last: 0, offset: 0, length: TAG_BYTES };
  if (!(0 <= start && start <= end && end < plainSize))
    throw new RangeError(`bytes ${start}–${end} are outside an object of ${plainSize} bytes`);
  const first = Math.floor(start / chunkSize);
  const last = Math.floor(end / chunkSize);
  const offset = first * (chunkSize + TAG_BYTES);
  const lastEnd = Math.min(storedSize(plainSize, chunkSize), (last + 1) * (chunkSize + TAG_BYTES));
  return { first, last, offset, length: lastEnd - offset };
}

/**
 * Plaintext bytes [start, end] of a range that lies in one stored chunk, from that chunk's sealed
 * bytes: the small-object path, without a stream's per-chunk plumbing.
 */
export async function decryptWithinChunk(
  key: CryptoKey,
  objectId: string,
  range: { start: number; end: number; plainSize: number; chunkSize: number },
  sealed: Uint8Array,
): Promise<Uint8Array> {
  const { start, end, plainSize, chunkSize } = range;
  const located = storedRangeFor(start, end, plainSize, chunkSize);
  if (located.first !== located.last) throw new RangeError("the range spans more than one chunk");
  if (sealed.length !== located.length) throw new TamperedObjectError(located.first);
  const final = located.first === chunkCount(plainSize, chunkSize) - 1;
  const plain = await openChunk(key, objectId, located.first, final, sealed);
  const chunkStart = located.first * chunkSize;
  return plain.subarray(Math.max(0, start - chunkStart), Math.min(plain.length, end - chunkStart + 1));
}

/**
 * Decrypts stored chunks `first`..`last` (as `storedRangeFor` located them) from a stream of their
 * bytes, and yields plaintext bytes [start, end] only. A chunk that fails authentication errors the
 * stream (TamperedObjectError) before any of its bytes are passed on.
 */
export function decryptRangeStream(
  key: CryptoKey,
  objectId: string,
  range: { start: number; end: number; plainSize: number; chunkSize: number },
): TransformStream<Uint8Array, Uint8Array> {
  const { start, end, plainSize, chunkSize } = range;
  const located = storedRangeFor(start, end, plainSize, chunkSize);
  const finalIndex = chunkCount(plainSize, chunkSize) - 1;
  let index = located.first;
  let buffer = new Uint8Array(0);
  const sealedLength = (i: number) =>
    i === finalIndex ? plainSize - i * chunkSize + TAG_BYTES : chunkSize + TAG_BYTES;
  const emit = async (controller: TransformStreamDefaultController<Uint8Array>, sealed: Uint8Array) => {
    const plain = await openChunk(key, objectId, index, index === finalIndex, sealed);
    const chunkStart = index * chunkSize;
    const from = Math.max(0, start - chunkStart);
    const to = Math.min(plain.length, end - chunkStart + 1);
    if (to > from) controller.enqueue(plain.slice(from, to));
    index++;
  };
  return new TransformStream({
    async transform(bytes, controller) {
      const joined = concat(buffer, bytes);
      let offset = 0;
      while (index <= located.last && joined.length - offset >= sealedLength(index)) {
        const length = sealedLength(index);
        await emit(controller, joined.subarray(offset, offset + length));
        offset += length;
      }
      buffer = joined.slice(offset);
    },
    async flush(controller) {
      if (index <= located.last) {
        // The stored bytes ended early: the object was cut.
        if (buffer.length !== sealedLength(index)) throw new TamperedObjectError(index);
        await emit(controller, buffer);
      }
    },
  });
}
