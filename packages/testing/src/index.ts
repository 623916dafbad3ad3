import { exports } from "cloudflare:workers";
import type { Problem } from "@fun/http";
import { expect } from "vitest";

export const BRAND_HOSTS = {
  girlfanz: "girlfanz.localhost",
  pupfanz: "pupfanz.localhost",
  daddyfanz: "daddyfanz.localhost",
} as const;

export type BrandSlug = keyof typeof BRAND_HOSTS;

export interface GatewayRequestInit extends RequestInit {
  /** The Host the client asks for; a brand's local host by default. */
  host?: string;
  /** A JSON body, sent as application/json. */
  json?: unknown;
}

/** Builds a request the way a client on `host` would send it. */
export function gatewayRequest(path: string, init: GatewayRequestInit = {}): Request {
  const { host = BRAND_HOSTS.girlfanz, json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("content-type", "application/json");
  return new Request(`http://${host}${path}`, {
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}

/** Sends a request through the deployed entry point of the worker under test. */
export function callWorker(path: string, init: GatewayRequestInit = {}): Promise<Response> {
  return (exports as unknown as { default: Fetcher }).default.fetch(gatewayRequest(path, init));
}

/** A call to a brand's API as its apps make it: `headers` (e.g. a bearer) and an optional JSON body. */
export function callBrand(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  json?: unknown,
  brand = "girlfanz",
): Promise<Response> {
  return callWorker(path, {
    method,
    host: `${brand}.localhost`,
    headers,
    ...(json === undefined ? {} : { json }),
  });
}

/** Asserts a response is RFC 9457 problem+json with the given status and code, and returns its body. */
export async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = (await response.json()) as Problem;
  expect(body).toMatchObject({ status, code });
  expect(body.requestId).toMatch(/^req_[0-9A-Z]{26}$/);
  expect(body.requestId).toBe(response.headers.get("x-request-id"));
  return body;
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export * from "./browser";
export * from "./people";
export * from "./tokens";
