import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FORGET_AFTER_MS, type LoginThrottle, lockoutMs, MAX_LOCKOUT_MS } from "./login-throttle";

const throttles = (env as unknown as { LOGIN_THROTTLE: DurableObjectNamespace<LoginThrottle> })
  .LOGIN_THROTTLE;
let emails = 0;

/** The throttle of an address no other test uses. */
const freshThrottle = () => throttles.get(throttles.idFromName(`throttle-${++emails}@fun.localhost`));

/** Records `count` failures one second apart from `start`; returns the time of the last one. */
async function fail(throttle: DurableObjectStub<LoginThrottle>, count: number, start: number) {
  let at = start;
  for (let i = 0; i < count; i++) {
    at = start + i * 1_000;
    await throttle.recordFailure(at);
  }
  return at;
}

const storedRows = (throttle: DurableObjectStub<LoginThrottle>) =>
  runInDurableObject(
    throttle,
    (_instance, state) => state.storage.sql.exec("SELECT * FROM streak").toArray().length,
  );

describe("the login throttle", () => {
  it("lets the first four failures through without any wait", async () => {
    const throttle = freshThrottle();
    const now = Date.now();
    for (let i = 0; i < 4; i++) expect(await throttle.recordFailure(now + i)).toEqual({ allowed: true });
    expect(await throttle.check(now + 4)).toEqual({ allowed: true });
  });

  it("locks out for 1 second after the fifth failure, then doubles with each further one", async () => {
    const throttle = freshThrottle();
    const now = Date.now();
    const last = await fail(throttle, 4, now);
    expect(await throttle.recordFailure(last + 1_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await throttle.check(last + 1_500)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await throttle.check(last + 2_000)).toEqual({ allowed: true });
    expect(await throttle.recordFailure(last + 2_000)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(await throttle.recordFailure(last + 4_000)).toEqual({ allowed: false, retryAfterSeconds: 4 });
    expect(await throttle.check(last + 5_000)).toEqual({ allowed: false, retryAfterSeconds: 3 });
  });

  it("never locks out for longer than 15 minutes", async () => {
    expect(lockoutMs(14)).toBe(512_000);
    expect(lockoutMs(15)).toBe(MAX_LOCKOUT_MS);
    expect(lockoutMs(40)).toBe(MAX_LOCKOUT_MS);
    const throttle = freshThrottle();
    const last = await fail(throttle, 30, Date.now());
    expect(await throttle.check(last)).toEqual({ allowed: false, retryAfterSeconds: 900 });
  });

  it("keeps the streak after a lockout is waited out, so no fresh free attempts are earned", async () => {
    const throttle = freshThrottle();
    const last = await fail(throttle, 15, Date.now());
    const later = last + MAX_LOCKOUT_MS;
    expect(await throttle.check(later)).toEqual({ allowed: true });
    expect(await throttle.recordFailure(later)).toEqual({ allowed: false, retryAfterSeconds: 900 });
  });

  it("forgets a streak an hour after its last failure", async () => {
    const throttle = freshThrottle();
    const last = await fail(throttle, 10, Date.now());
    expect((await throttle.check(last + FORGET_AFTER_MS - 1)).allowed).toBe(true);
    expect(await throttle.recordFailure(last + FORGET_AFTER_MS)).toEqual({ allowed: true });
  });

  it("ends the streak on a success", async () => {
    const throttle = freshThrottle();
    const now = Date.now();
    const last = await fail(throttle, 8, now);
    expect((await throttle.check(last)).allowed).toBe(false);
    await throttle.recordSuccess();
    expect(await throttle.check(last)).toEqual({ allowed: true });
    expect(await throttle.recordFailure(last + 1)).toEqual({ allowed: true });
  });

  it("survives eviction: the streak lives in durable storage, not memory", async () => {
    const throttle = freshThrottle();
    const last = await fail(throttle, 7, Date.now());
    await evictDurableObject(throttle);
    expect(await throttle.check(last + 1_000)).toEqual({ allowed: false, retryAfterSeconds: 3 });
  });

  it("keeps its data only until the streak is forgotten", async () => {
    const throttle = freshThrottle();
    // A streak whose last failure is already more than an hour old: its alarm is due at once (and may
    // have run by itself already) and deletes it.
    await throttle.recordFailure(Date.now() - FORGET_AFTER_MS - 1);
    await runDurableObjectAlarm(throttle);
    expect(await storedRows(throttle)).toBe(0);
    const recent = freshThrottle();
    const last = await fail(recent, 6, Date.now());
    expect(await runDurableObjectAlarm(recent)).toBe(true);
    // Still recent: the alarm only moves on, the lockout stands.
    expect(await storedRows(recent)).toBe(1);
    expect((await recent.check(last)).allowed).toBe(false);
  });
});
