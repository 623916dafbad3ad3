import { describe, expect, it } from "vitest";
import { toBase64Url } from "./encoding";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "./password";

describe("password hashing", () => {
  it("stores scrypt with its parameters and verifies the right password only", async () => {
    const stored = await hashPassword("fun-local-demo");
    expect(stored).toMatch(/^scrypt\$ln=14,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword("fun-local-demo", stored)).toBe(true);
    expect(await verifyPassword("fun-local-demo ", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("matches scrypt's published test vector (RFC 7914, section 12)", async () => {
    // scrypt("password", "NaCl", N=1024, r=8, p=16, 64 bytes) begins fdbabe1c9d3472007856e7190d01e9fe.
    // Our stored form keeps 32 bytes, so compare against the vector's first half through the format.
    const salt = toBase64Url(new TextEncoder().encode("NaCl"));
    const vector =
      "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640";
    const bytes = Uint8Array.from(vector.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? []);
    const hash = toBase64Url(bytes.slice(0, 32));
    expect(await verifyPassword("password", `scrypt$ln=10,r=8,p=16$${salt}$${hash}`)).toBe(true);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("still verifies PBKDF2 hashes from before, and asks for them to be rehashed", async () => {
    // PBKDF2-HMAC-SHA256("password", "salt", 1 iteration, 32 bytes), computed with Python's hashlib.
    const salt = "c2FsdA";
    const hash = "Eg-2z_z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs";
    const legacy = `pbkdf2-sha256$1$${salt}$${hash}`;
    expect(await verifyPassword("password", legacy)).toBe(true);
    expect(await verifyPassword("passw0rd", legacy)).toBe(false);
    expect(passwordNeedsRehash(legacy)).toBe(true);
  });

  it("asks for a rehash when the parameters are weaker than the current ones", async () => {
    expect(passwordNeedsRehash(await hashPassword("x"))).toBe(false);
    expect(passwordNeedsRehash(await hashPassword("x", { ln: 12, r: 8, p: 1 }))).toBe(true);
  });

  it("refuses malformed, foreign or memory-exhausting hashes instead of throwing", async () => {
    expect(await verifyPassword("x", "")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$10$abc$def")).toBe(false);
    expect(await verifyPassword("x", "pbkdf2-sha256$0$abc$def")).toBe(false);
    expect(await verifyPassword("x", "pbkdf2-sha256$1000000$abc$def")).toBe(false);
    expect(await verifyPassword("x", "scrypt$ln=30,r=8,p=1$abc$def")).toBe(false);
  });
});
