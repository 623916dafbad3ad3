/**
 * End-to-end direct uploads against the real `wrangler dev` stack: presigned S3 URLs straight to R2
 * through wrangler's local S3 endpoint (which the test runner cannot reach), single and multipart,
 * with tampered signatures refused; then ingest:complete, and the ingest queue fingerprints the
 * stored bytes. A browser page on a brand's host, which that endpoint refuses, gets the upload
 * host's token URLs instead.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request as nodeRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type HttpResponse, httpRequest, type Stack, startStack } from "../scripts/stack";

const MiB = 1024 * 1024;
const VERIFIER = "fun-e2e-uploads-pkce-verifier-0123456789abcdefghijklmnop";

let stack: Stack | undefined;
let persistTo: string | undefined;
let port = 0;
let token = "";

type Multipart = {
  partSize: number;
  partCount: number;
  parts: { partNumber: number; url: string; bytes: number }[];
};
type Started = {
  assetId: string;
  upload: { method: "PUT"; url: string; headers?: Record<string, string> } | Multipart;
};

/**
 * One request with a binary body to 127.0.0.1:<port>, with the URL's host as its Host header. The
 * body waits for `100 Continue`, as S3 clients send large bodies: a refused request is answered
 * before its megabytes are sent (and the connection is not reset under them).
 */
function send(
  url: string,
  options: { method: string; body?: Buffer; headers?: Record<string, string> },
): Promise<HttpResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = nodeRequest(
      {
        host: "127.0.0.1",
        port,
        path: `${target.pathname}${target.search}`,
        method: options.method,
        headers: {
          ...options.headers,
          host: target.host,
          ...(options.body ? { "content-length": String(options.body.length), expect: "100-continue" } : {}),
        },
        agent: false,
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: ${options.method} ${url}`)));
    req.on("error", reject);
    if (options.body) req.on("continue", () => req.end(options.body));
    else req.end();
  });
}

/**
 * A write that must be refused. wrangler's local endpoint sometimes refuses a multi-MiB body by
 * closing the connection under it (ECONNRESET) or with a 500 ("Network connection lost") instead of
 * R2's status; any of those is a refusal, and no ETag may come back.
 */
async function refused(url: string, options: Parameters<typeof send>[1], r2Status: number): Promise<void> {
  try {
    const response = await send(url, options);
    expect([r2Status, 500]).toContain(response.status);
    expect(response.headers.etag).toBeUndefined();
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toMatch(/^(ECONNRESET|EPIPE)$/);
  }
}

function api(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  return httpRequest({
    port,
    host: `girlfanz.localhost:${port}`,
    path,
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
}

const parsed = <T>(res: HttpResponse): T => JSON.parse(res.body) as T;
const header = (res: HttpResponse, name: string) => String(res.headers[name] ?? "");

/** The demo creator's access token for girlfanz: code + PKCE through the real login form. */
async function signIn(): Promise<string> {
  const auth = `auth.localhost:${port}`;
  const challenge = createHash("sha256").update(VERIFIER).digest("base64url");
  const redirectUri = "http://girlfanz.localhost:8787/v1/auth/oidc/callback";
  const query = new URLSearchParams({
    response_type: "code",
    client_id: "girlfanz-web",
    redirect_uri: redirectUri,
    scope: "openid profile",
    state: "e2e-uploads",
    nonce: "e2e-uploads",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const page = await httpRequest({ port, host: auth, path: `/authorize?${query}` });
  expect(page.status, page.body.slice(0, 300)).toBe(200);
  const cookies = [page.headers["set-cookie"] ?? []]
    .flat()
    .map((c) => c.split(";")[0])
    .join("; ");
  const form = /<form method="post" action="\/authorize">[\s\S]*?<\/form>/.exec(page.body)?.[0] ?? "";
  const fields = new URLSearchParams();
  for (const input of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? "";
    if (name) fields.set(name, value.replaceAll("&amp;", "&").replaceAll("&quot;", '"'));
  }
  fields.set("email", "creator@fun.localhost");
  fields.set("password", "fun-local-demo");
  const posted = await httpRequest({
    port,
    host: auth,
    path: "/authorize",
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: `http://${auth}`,
      cookie: cookies,
    },
    body: fields.toString(),
  });
  expect(posted.status, posted.body.slice(0, 300)).toBe(303);
  const code = new URL(String(posted.headers.location)).searchParams.get("code") ?? "";
  const tokens = await httpRequest({
    port,
    host: auth,
    path: "/token",
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: "girlfanz-web",
      code_verifier: VERIFIER,
    }).toString(),
  });
  expect(tokens.status, tokens.body).toBe(200);
  return parsed<{ access_token: string }>(tokens).access_token;
}

async function init(files: unknown[], headers: Record<string, string> = {}): Promise<Started[]> {
  const res = await api("POST", "/v1/media/ingest:init", { files }, headers);
  expect(res.status, res.body).toBe(201);
  return parsed<{ assets: Started[] }>(res).assets;
}

/** Polls the fingerprint until the ingest consumer has run. */
async function fingerprinted(assetId: string): Promise<{ status: string; sha256: string; pdq: unknown }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api("GET", `/v1/media/${assetId}/fingerprint`);
    expect(res.status, res.body).toBe(200);
    const body = parsed<{ status: string; sha256: string; pdq: unknown }>(res);
    if (body.status !== "pending") return body;
    if (Date.now() > deadline) throw new Error(`${assetId} was not fingerprinted within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The URL with its signature's last characters changed. */
function tampered(url: string): string {
  const changed = new URL(url);
  const signature = changed.searchParams.get("X-Amz-Signature") ?? "";
  changed.searchParams.set(
    "X-Amz-Signature",
    `${signature.slice(0, -4)}${signature.endsWith("0000") ? "1111" : "0000"}`,
  );
  return changed.toString();
}

beforeAll(async () => {
  persistTo = await mkdtemp(join(tmpdir(), "fun-e2e-uploads-"));
  port = await freePort();
  stack = await startStack({ port, persistTo, demo: true });
  token = await signIn();
});

afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    if (persistTo) await rm(persistTo, { recursive: true, force: true });
  }
});

describe("direct uploads through presigned R2 URLs under wrangler dev", () => {
  it("PUTs a photo straight to R2, refuses a tampered signature and a second write, then stores and fingerprints it", async () => {
    const photo = await readFile(join(__dirname, "../testdata/pdq/bridge-1-original.jpg"));
    const sha256 = createHash("sha256").update(photo).digest("hex");
    const [started] = await init([{ mime: "image/jpeg", bytes: photo.length, sha256 }]);
    if (!started || !("url" in started.upload)) throw new Error("a single PUT was expected");
    const { url, headers = {} } = started.upload;
    expect(
      url.startsWith(`http://localhost:${port}/cdn-cgi/local/r2/s3/fun-media/originals/${started.assetId}?`),
    ).toBe(true);
    expect(new URL(url).searchParams.get("X-Amz-SignedHeaders")).toContain("content-length");
    expect(headers).toEqual({ "Content-Type": "image/jpeg", "If-None-Match": "*" });

    await refused(tampered(url), { method: "PUT", body: photo, headers }, 403);
    await refused(
      url,
      { method: "PUT", body: photo, headers: { ...headers, "Content-Type": "image/png" } },
      403,
    );

    const put = await send(url, { method: "PUT", body: photo, headers });
    expect(put.status, put.body).toBe(200);
    expect(header(put, "etag")).toMatch(/^"[0-9a-f]+"$/);
    // The key is written once: the same URL cannot replace what arrived.
    await refused(url, { method: "PUT", body: randomBytes(photo.length), headers }, 412);

    const done = await api("POST", "/v1/media/ingest:complete", { assetId: started.assetId });
    expect(done.status, done.body).toBe(200);
    expect(parsed(done)).toMatchObject({ state: "stored", sha256 });
    const fingerprint = await fingerprinted(started.assetId);
    expect(fingerprint).toMatchObject({ status: "ready", sha256, pdq: { hash: expect.any(String) } });
  });

  it("uploads a video in presigned parts of 5 MiB, resumes, refuses tampered parts, completes with the ETags", async () => {
    const video = randomBytes(11 * MiB);
    Buffer.from([0, 0, 0, 0x18, ...Buffer.from("ftypisom"), 0, 0, 2, 0, ...Buffer.from("isomiso2")]).copy(
      video,
    );
    const sha256 = createHash("sha256").update(video).digest("hex");
    const [started] = await init([{ mime: "video/mp4", bytes: video.length, partSize: 5 * MiB }]);
    if (!started || !("parts" in started.upload)) throw new Error("a multipart upload was expected");
    const { parts } = started.upload;
    expect(parts.map((p) => p.bytes)).toEqual([5 * MiB, 5 * MiB, MiB]);
    for (const part of parts) {
      expect(part.url).toContain(`/cdn-cgi/local/r2/s3/fun-media/originals/${started.assetId}?`);
      expect(new URL(part.url).searchParams.get("partNumber")).toBe(String(part.partNumber));
    }
    const bytesOf = (n: number) => video.subarray((n - 1) * 5 * MiB, Math.min(n * 5 * MiB, video.length));

    const [one, two, three] = parts;
    if (!one || !two || !three) throw new Error("three parts expected");
    // A forged signature, and a part's URL used for another length (it is signed for its exact
    // length), are refused; the completion below checks the assembled file's SHA-256.
    await refused(tampered(one.url), { method: "PUT", body: bytesOf(1) }, 403);
    await refused(three.url, { method: "PUT", body: bytesOf(2) }, 403);

    const etags = new Map<number, string>();
    const first = await send(one.url, { method: "PUT", body: bytesOf(1) });
    expect(first.status, first.body).toBe(200);
    etags.set(1, header(first, "etag"));

    // Resuming: the local S3 endpoint cannot list parts, so every part gets a fresh URL.
    const status = await api("GET", `/v1/media/${started.assetId}/upload`);
    expect(status.status, status.body).toBe(200);
    const resumed = parsed<{ state: string; receivedParts: unknown; upload: Multipart }>(status);
    expect(resumed).toMatchObject({ state: "uploading", receivedParts: null });
    expect(resumed.upload.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    for (const part of resumed.upload.parts.slice(1)) {
      const res = await send(part.url, { method: "PUT", body: bytesOf(part.partNumber) });
      expect(res.status, res.body).toBe(200);
      etags.set(part.partNumber, header(res, "etag"));
    }

    const withoutEtags = await api("POST", "/v1/media/ingest:complete", { assetId: started.assetId });
    expect(withoutEtags.status, withoutEtags.body).toBe(409);
    expect(withoutEtags.body).toContain("ETag of every part");
    const done = await api("POST", "/v1/media/ingest:complete", {
      assetId: started.assetId,
      parts: [...etags].map(([partNumber, etag]) => ({ partNumber, etag })),
    });
    expect(done.status, done.body).toBe(200);
    expect(parsed(done)).toMatchObject({ state: "stored", bytes: video.length, sha256 });
    expect(await fingerprinted(started.assetId)).toMatchObject({ status: "ready", sha256, pdq: null });
  });

  it("gives a browser page on a brand's host upload-host URLs, which the local S3 endpoint would refuse", async () => {
    const origin = `http://girlfanz.localhost:${port}`;
    const file = randomBytes(4096);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(file);
    const [started] = await init([{ mime: "image/png", bytes: file.length }], { origin });
    if (!started || !("url" in started.upload)) throw new Error("a single PUT was expected");
    expect(started.upload.url.startsWith(`http://upload.localhost:${port}/upload/${started.assetId}?`)).toBe(
      true,
    );
    const put = await send(started.upload.url, { method: "PUT", body: file, headers: { origin } });
    expect(put.status, put.body).toBe(200);
    expect(header(put, "access-control-allow-origin")).toBe("*");
    const done = await api("POST", "/v1/media/ingest:complete", { assetId: started.assetId });
    expect(done.status, done.body).toBe(200);
  });
});
