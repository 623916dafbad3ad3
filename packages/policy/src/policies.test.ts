import { env } from "cloudflare:workers";
import { createCoreDb } from "@fun/db";
import { SEED } from "@fun/db/seed";
import { describe, expect, it } from "vitest";
import { authorize, type Resource } from "./policies";
import { hasPermission, type Principal } from "./principal";
import { loadPrincipal } from "./principal.repo";

const db = createCoreDb((env as unknown as { DB: D1Database }).DB);
const girlfanz = SEED.tenants.girlfanz.id;
const pupfanz = SEED.tenants.pupfanz.id;

function post(creatorProfileId: string, tenantIds: string[] = [girlfanz]): Resource {
  return { kind: "content", id: "cnt_1", creatorProfileId, tenantIds };
}

describe("loading a principal", () => {
  it("gives the demo creator a global creator grant and their profile", async () => {
    const creator = await loadPrincipal(db, SEED.accounts.creator.id);
    expect(creator.profileId).toBe(SEED.profiles.creator.id);
    expect(creator.grants).toEqual([expect.objectContaining({ role: "creator", tenantId: null })]);
    expect(hasPermission(creator, "content:write", pupfanz)).toBe(true);
  });

  it("scopes the demo staff's grants to each brand", async () => {
    const staff = await loadPrincipal(db, SEED.accounts.staff.id);
    expect(staff.grants.map((g) => g.tenantId).sort()).toEqual(
      Object.values(SEED.tenants)
        .map((t) => t.id)
        .sort(),
    );
    expect(hasPermission(staff, "moderation:review", girlfanz)).toBe(true);
    expect(hasPermission(staff, "moderation:review", "ten_unknown")).toBe(false);
  });

  it("gives an account with no roles nothing", async () => {
    const stranger = await loadPrincipal(db, "acc_nobody");
    expect(stranger).toEqual({ accountId: "acc_nobody", profileId: null, grants: [] });
  });
});

describe("authorize", () => {
  const creator: Principal = {
    accountId: "acc_c",
    profileId: "prf_creator",
    grants: [{ role: "creator", permissions: ["content:write", "content:publish"], tenantId: null }],
  };
  const otherCreator: Principal = { ...creator, accountId: "acc_o", profileId: "prf_other" };
  const pupfanzStaff: Principal = {
    accountId: "acc_s",
    profileId: "prf_staff",
    grants: [{ role: "staff", permissions: ["moderation:review"], tenantId: pupfanz }],
  };
  const fan: Principal = {
    accountId: "acc_f",
    profileId: "prf_fan",
    grants: [{ role: "fan", permissions: ["content:read"], tenantId: null }],
  };

  it("lets a creator edit and publish their own content", () => {
    expect(authorize(creator, "content:update", post("prf_creator"), { tenantId: girlfanz })).toMatchObject({
      allowed: true,
    });
    expect(authorize(creator, "content:publish", post("prf_creator"), { tenantId: girlfanz })).toMatchObject({
      allowed: true,
    });
  });

  it("refuses another creator's content, naming ownership as the reason", () => {
    expect(authorize(otherCreator, "content:update", post("prf_creator"), { tenantId: girlfanz })).toEqual({
      allowed: false,
      reason: "not_owner",
    });
  });

  it("refuses a fan, who lacks the permission", () => {
    expect(authorize(fan, "content:update", post("prf_creator"), { tenantId: girlfanz })).toEqual({
      allowed: false,
      reason: "missing_permission",
    });
  });

  it("refuses an anonymous caller", () => {
    expect(authorize(null, "content:update", post("prf_creator"), { tenantId: girlfanz })).toEqual({
      allowed: false,
      reason: "unauthenticated",
    });
  });

  it("lets staff moderate content on their brand only", () => {
    const onPupfanz = post("prf_creator", [girlfanz, pupfanz]);
    expect(authorize(pupfanzStaff, "content:moderate", onPupfanz, { tenantId: pupfanz })).toMatchObject({
      allowed: true,
    });
    // Asking from girlfanz's host: the staff role is pupfanz's.
    expect(authorize(pupfanzStaff, "content:moderate", onPupfanz, { tenantId: girlfanz })).toEqual({
      allowed: false,
      reason: "missing_permission",
    });
    // Content that is not on pupfanz is outside the staff scope even from pupfanz's host.
    expect(
      authorize(pupfanzStaff, "content:moderate", post("prf_creator", [girlfanz]), { tenantId: pupfanz }),
    ).toEqual({
      allowed: false,
      reason: "outside_tenant",
    });
  });

  it("lets a person edit only their own profile", () => {
    expect(
      authorize(fan, "profile:update", { kind: "profile", id: "prf_fan" }, { tenantId: girlfanz }),
    ).toMatchObject({
      allowed: true,
    });
    expect(
      authorize(fan, "profile:update", { kind: "profile", id: "prf_creator" }, { tenantId: girlfanz }),
    ).toEqual({
      allowed: false,
      reason: "not_owner",
    });
  });

  it("lets only an admin of this brand configure it", () => {
    const admin: Principal = {
      ...fan,
      grants: [{ role: "admin", permissions: ["tenants:manage"], tenantId: null }],
    };
    const tenant: Resource = { kind: "tenant", id: girlfanz };
    expect(authorize(admin, "tenant:configure", tenant, { tenantId: girlfanz })).toMatchObject({
      allowed: true,
    });
    expect(authorize(admin, "tenant:configure", tenant, { tenantId: pupfanz })).toEqual({
      allowed: false,
      reason: "outside_tenant",
    });
    expect(
      authorize(pupfanzStaff, "tenant:configure", { kind: "tenant", id: pupfanz }, { tenantId: pupfanz }),
    ).toEqual({
      allowed: false,
      reason: "missing_permission",
    });
  });

  it("lets only an asset's uploader upload to it, and its uploader or staff of its brands read it", () => {
    const uploader: Principal = {
      ...creator,
      grants: [{ role: "creator", permissions: ["media:upload"], tenantId: null }],
    };
    const asset = (owner: string, tenantIds = [girlfanz]): Resource => ({
      kind: "asset",
      id: "ast_1",
      creatorProfileId: owner,
      tenantIds,
    });
    expect(authorize(uploader, "asset:upload", asset("prf_creator"), { tenantId: girlfanz }).allowed).toBe(
      true,
    );
    expect(authorize(uploader, "asset:upload", asset("prf_other"), { tenantId: girlfanz })).toEqual({
      allowed: false,
      reason: "not_owner",
    });
    // Staff may look at media on their brand, never upload as the creator.
    expect(
      authorize(pupfanzStaff, "asset:read", asset("prf_creator", [pupfanz]), { tenantId: pupfanz }).allowed,
    ).toBe(true);
    expect(authorize(pupfanzStaff, "asset:read", asset("prf_creator"), { tenantId: pupfanz })).toEqual({
      allowed: false,
      reason: "outside_tenant",
    });
    expect(
      authorize(pupfanzStaff, "asset:upload", asset("prf_creator", [pupfanz]), { tenantId: pupfanz }).allowed,
    ).toBe(false);
    expect(authorize(uploader, "content:update", asset("prf_creator"), { tenantId: girlfanz }).allowed).toBe(
      false,
    );
  });

  it("lets only a platform-wide grant manage known-bad hash lists", () => {
    const safety: Principal = {
      ...fan,
      grants: [{ role: "safety", permissions: ["hashlists:manage"], tenantId: null }],
    };
    const brandScoped: Principal = {
      ...fan,
      grants: [{ role: "staff", permissions: ["hashlists:manage"], tenantId: girlfanz }],
    };
    expect(authorize(safety, "hashlists:manage", { kind: "platform" }, { tenantId: girlfanz }).allowed).toBe(
      true,
    );
    expect(authorize(brandScoped, "hashlists:manage", { kind: "platform" }, { tenantId: girlfanz })).toEqual({
      allowed: false,
      reason: "missing_permission",
    });
    expect(authorize(null, "hashlists:manage", { kind: "platform" }, { tenantId: girlfanz })).toEqual({
      allowed: false,
      reason: "unauthenticated",
    });
  });
});
