import { scrypt, timingSafeEqual } from "node:crypto";
import { fromBase64Url, toBase64Url } from "./encoding";

/**
 * Password hashing with scrypt (RFC 7914) from `node:crypto`, which Workers provide natively under
 * `nodejs_compat`: memory-hard, and cheap enough in CPU to fit a Worker's limits, unlike PBKDF2 at a
 * safe iteration count (deployed Workers refuse PBKDF2 above 100,000 iterations).
 *
 * The stored form names the algorithm and its parameters, so they can be raised later while old
 * hashes keep verifying; `passwordNeedsRehash` tells the login path when to store a new hash:
 * `scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt base64url>$<hash base64url>`.
 * Hashes from the first seed (`pbkdf2-sha256$<iterations>$<salt>$<hash>`) still verify.
 */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** What new hashes use: N = 2^14, r = 8 (16 MiB of memory), p = 1 — OWASP's scrypt baseline. */
export const CURRENT_SCRYPT_PARAMS: ScryptParams = { ln: 14, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Refuse stored parameters that would take more memory than a Worker has (128 MiB). */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;

function memoryOf(params: ScryptParams): number {
  return 128 * 2 ** params.ln * params.r * params.p;
}

function deriveScrypt(password: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_BYTES,
      { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: MAX_MEMORY_BYTES + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(new Uint8Array(key))),
    );
  });
}

async function derivePbkdf2(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseScryptParams(text: string | undefined): ScryptParams | undefined {
  const match = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(text ?? "");
  if (!match) return undefined;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const sane = params.ln >= 10 && params.r >= 1 && params.p >= 1 && memoryOf(params) <= MAX_MEMORY_BYTES;
  return sane ? params : undefined;
}

/** Hashes a password with scrypt, the current parameters and a fresh random salt. */
export async function hashPassword(
  password: string,
  params: ScryptParams = CURRENT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await deriveScrypt(password, salt, params);
  return `scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

/** Checks a password against a stored hash in constant time; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algorithm, paramsText, saltText, hashText] = stored.split("$");
  if (!saltText || !hashText) return false;
  const expected = fromBase64Url(hashText);
  if (algorithm === "scrypt") {
    const params = parseScryptParams(paramsText);
    if (!params) return false;
    return sameBytes(await deriveScrypt(password, fromBase64Url(saltText), params), expected);
  }
  if (algorithm === "pbkdf2-sha256") {
    const iterations = Number(paramsText);
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > 100_000) return false;
    return sameBytes(await derivePbkdf2(password, fromBase64Url(saltText), iterations), expected);
  }
  return false;
}

/** True when a stored hash uses another algorithm or weaker parameters than new hashes would. */
export function passwordNeedsRehash(stored: string): boolean {
  const [algorithm, paramsText] = stored.split("$");
  if (algorithm !== "scrypt") return true;
  const params = parseScryptParams(paramsText);
  const current = CURRENT_SCRYPT_PARAMS;
  return !params || params.ln < current.ln || params.r < current.r || params.p < current.p;
}
