/**
 * The identity benchmarks, run by `npm run bench` after the scenarios:
 *
 * - `auth.verify`: the same tiny route with and without `requireAccount` on the real gateway app
 *   (bench/auth), side by side; target: verifying the access token costs ≤ 10 % of throughput.
 * - `auth.refresh`: `POST /token` refresh grants per second, each connection presenting the refresh
 *   token its previous answer returned, as a real client must.
 */
import { createHash, randomBytes } from "node:crypto";
import autocannon from "autocannon";
import {
  type DevServer,
  fileTail,
  freePort,
  httpRequest,
  spawnWranglerDev,
  waitForHttp,
} from "../scripts/stack";

export const AUTH_VERIFY_TARGET = 0.9;
const CALLBACK = "http://girlfanz.localhost:8787/v1/auth/oidc/callback";

export interface AuthBenchSettings {
  warmupS: number;
  durationS: number;
  rounds: number;
  connections: number;
  log: (line: string) => void;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

const base64url = (bytes: Buffer) => bytes.toString("base64url");

/**
 * Starts one bench worker under `wrangler dev` on free ports and waits until `ready` answers.
 * `persistTo` shares the stack's state (its migrated, seeded D1) when the worker needs it.
 */
export async function startBenchWorker(options: {
  config: string;
  logFile: string;
  ready: { host: string; path: string };
  persistTo?: string;
  args?: (port: number) => string[];
}): Promise<DevServer & { port: number }> {
  const port = await freePort();
  const server = spawnWranglerDev(
    [
      "-c",
      options.config,
      ...(options.persistTo ? ["--persist-to", options.persistTo] : []),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(await freePort()),
      "--inspector-ip",
      "127.0.0.1",
      "--show-interactive-dev-session=false",
      ...(options.args?.(port) ?? []),
    ],
    { logFile: options.logFile },
  );
  await waitForHttp(server, {
    port,
    ...options.ready,
    timeoutMs: 90_000,
    describe: () => `${options.config} did not start:\n${fileTail(options.logFile, 40)}`,
  });
  return { ...server, port };
}

/** Starts the probe worker on the stack's state (its D1 is already migrated and seeded). */
export function startAuthProbe(persistTo: string, logFile: string): Promise<DevServer & { port: number }> {
  return startBenchWorker({
    config: "bench/auth/wrangler.toml",
    logFile,
    persistTo,
    ready: { host: "girlfanz.localhost", path: "/bench/public" },
    args: (port) => ["--var", `AUTH_ISSUER:http://auth.localhost:${port}`],
  });
}

let signIns = 0;

/** Signs someone (the demo creator unless told) in through the real login form and code grant. */
export async function signIn(
  port: number,
  email = "creator@fun.localhost",
): Promise<{ accessToken: string; refreshToken: string }> {
  const verifier = base64url(randomBytes(32));
  const challenge = base64url(createHash("sha256").update(verifier).digest());
  const query = new URLSearchParams({
    response_type: "code",
    client_id: "girlfanz-web",
    redirect_uri: CALLBACK,
    scope: "openid profile email",
    state: "bench",
    nonce: "bench",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const host = `auth.localhost:${port}`;
  const page = await httpRequest({ port, host, path: `/authorize?${query}` });
  const cookie = String(page.headers["set-cookie"] ?? "").split(";")[0] ?? "";
  const fields = new URLSearchParams();
  for (const input of page.body.matchAll(/<input\b[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields.set(name, (/value="([^"]*)"/.exec(input[0])?.[1] ?? "").replaceAll("&amp;", "&"));
  }
  fields.set("email", email);
  fields.set("password", "fun-local-demo");
  const posted = await httpRequest({
    port,
    host,
    path: "/authorize",
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie,
      origin: `http://${host}`,
      // Sign-ins are limited per client IP; each bench sign-in comes from its own documentation address.
      "cf-connecting-ip": `198.51.100.${(signIns++ % 250) + 1}`,
    },
    body: fields.toString(),
  });
  const code = new URL(String(posted.headers.location ?? "http://x/")).searchParams.get("code");
  if (!code) throw new Error(`the bench could not sign in: ${posted.status} ${posted.body.slice(0, 300)}`);
  const tokens = await postToken(port, {
    grant_type: "authorization_code",
    client_id: "girlfanz-web",
    code,
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? "" };
}

async function postToken(port: number, fields: Record<string, string>) {
  const response = await httpRequest({
    port,
    host: `auth.localhost:${port}`,
    path: "/token",
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  if (response.status !== 200) throw new Error(`/token answered ${response.status}: ${response.body}`);
  return JSON.parse(response.body) as { access_token: string; refresh_token?: string };
}

async function hammer(
  port: number,
  options: {
    path: string;
    host: string;
    headers?: Record<string, string>;
    seconds: number;
    connections: number;
  },
): Promise<Measured> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${options.path}`,
    headers: { ...options.headers, host: options.host },
    connections: options.connections,
    duration: options.seconds,
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Public vs authenticated rounds, back to back, so machine load affects both alike. */
export async function benchVerify(port: number, accessToken: string, settings: AuthBenchSettings) {
  const run = (path: string, seconds: number, headers?: Record<string, string>) =>
    hammer(port, {
      path,
      host: "girlfanz.localhost",
      seconds,
      connections: settings.connections,
      ...(headers ? { headers } : {}),
    });
  const bearer = { authorization: `Bearer ${accessToken}` };
  await run("/bench/public", settings.warmupS);
  await run("/bench/private", settings.warmupS, bearer);
  const open: Measured[] = [];
  const guarded: Measured[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    open.push(await run("/bench/public", settings.durationS));
    guarded.push(await run("/bench/private", settings.durationS, bearer));
    settings.log(
      `[bench] auth.verify round ${round}/${settings.rounds}: without auth ${Math.round(open.at(-1)?.rps ?? 0)} rps, with auth ${Math.round(guarded.at(-1)?.rps ?? 0)} rps`,
    );
  }
  const summary = (rounds: Measured[]) => ({
    rps: Math.round(median(rounds.map((r) => r.rps))),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
  });
  const failures = [...open, ...guarded].reduce((n, r) => n + r.non2xx + r.errors, 0);
  const withoutAuth = summary(open);
  const withAuth = summary(guarded);
  const ratio = Math.round((withAuth.rps / withoutAuth.rps) * 1000) / 1000;
  return {
    scenario: "auth.verify",
    withoutAuth,
    withAuth,
    ratio,
    target: AUTH_VERIFY_TARGET,
    pass: ratio >= AUTH_VERIFY_TARGET && failures === 0,
    failedRequests: failures,
  };
}

/**
 * Refresh grants per second. Every connection holds its own refresh-token family (made by token
 * exchange from the signed-in session) and presents, each time, the token the last answer gave it.
 */
export async function benchRefresh(port: number, accessToken: string, settings: AuthBenchSettings) {
  const families: string[] = [];
  for (let i = 0; i < settings.connections; i++) {
    const exchanged = await postToken(port, {
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      client_id: "girlfanz-web",
      subject_token: accessToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
    });
    families.push(exchanged.refresh_token ?? "");
  }
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/token`,
    connections: settings.connections,
    duration: settings.durationS,
    requests: [
      {
        method: "POST",
        headers: { host: `auth.localhost:${port}`, "content-type": "application/x-www-form-urlencoded" },
        setupRequest: (request, context) => {
          const state = context as { token?: string };
          state.token ??= families[next++ % families.length];
          return {
            ...request,
            body: new URLSearchParams({
              grant_type: "refresh_token",
              client_id: "girlfanz-web",
              refresh_token: state.token ?? "",
            }).toString(),
          };
        },
        onResponse: (status, body, context) => {
          if (status === 200)
            (context as { token?: string }).token = (
              JSON.parse(body) as { refresh_token: string }
            ).refresh_token;
        },
      },
    ],
  });
  return {
    scenario: "auth.refresh",
    rps: Math.round(result.requests.total / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    pass: result.non2xx === 0 && result.errors + result.timeouts === 0,
  };
}
