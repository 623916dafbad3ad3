import { describe, expect, it } from "vitest";
import { HostIndex, normaliseHost } from "./hosts";
import type { Tenant, TenantSettings } from "./settings";

function tenant(slug: string): Tenant {
  const settings = {
    domains: {
      local: { web: `${slug}.localhost`, media: `media.${slug}.localhost` },
      production: { web: `${slug}.com`, api: `api.${slug}.com`, media: `media.${slug}.com` },
    },
  } as TenantSettings;
  return { id: `ten_${slug}`, slug, name: slug, settings };
}

const index = new HostIndex([tenant("girlfanz"), tenant("pupfanz")], {
  authHosts: ["auth.localhost", "auth.fun.com"],
  uploadHosts: ["upload.localhost"],
});

describe("host resolution", () => {
  it("maps each brand's web, api and media hosts in both environments", () => {
    expect(index.resolve("pupfanz.localhost")).toMatchObject({
      kind: "tenant",
      environment: "local",
      tenant: { slug: "pupfanz" },
    });
    expect(index.resolve("api.pupfanz.com")).toMatchObject({ kind: "tenant", environment: "production" });
    expect(index.resolve("media.girlfanz.localhost")).toMatchObject({
      kind: "media",
      tenant: { slug: "girlfanz" },
    });
    expect(index.resolve("media.girlfanz.com")).toMatchObject({ kind: "media", environment: "production" });
  });

  it("recognises the auth and upload hosts", () => {
    expect(index.resolve("auth.fun.com")).toEqual({ kind: "auth" });
    expect(index.resolve("upload.localhost:8787")).toEqual({ kind: "upload" });
  });

  it("knows nothing else, including suffix and prefix look-alikes", () => {
    for (const host of [
      "localhost",
      "daddyfanz.localhost",
      "evil-girlfanz.localhost",
      "girlfanz.localhost.evil",
      "com",
    ]) {
      expect(index.resolve(host)).toBeUndefined();
    }
  });

  it("normalises case, port, IPv6 brackets and a trailing dot", () => {
    expect(normaliseHost("GirlFanz.LocalHost:8787")).toBe("girlfanz.localhost");
    expect(normaliseHost("girlfanz.com.")).toBe("girlfanz.com");
    expect(normaliseHost("[::1]:8787")).toBe("[::1]");
  });
});
