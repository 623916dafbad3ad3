/**
 * Starts and stops the whole local FUN Core stack (the gateway plus the media, vault and compliance
 * workers in one `wrangler dev`) for `npm run dev`, the e2e tests and the benchmarks.
 *
 * Everything here talks to 127.0.0.1 only. Node's resolver does not know `*.localhost`, so requests
 * go to 127.0.0.1 with an explicit `Host` header (see `httpRequest`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { request as nodeRequest } from "node:http";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DATABASES, seedDatabases } from "./seed";

/** The repository root (this file lives in `scripts/`). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The wrangler configs of the stack; the first one (the gateway) gets the HTTP port. */
export const STACK_CONFIGS = [
  "wrangler.toml",
  "workers/media/wrangler.toml",
  "workers/vault/wrangler.toml",
  "workers/compliance/wrangler.toml",
] as const;

export type LogLevel = "debug" | "info" | "log" | "warn" | "error" | "none";

export interface StartStackOptions {
  port: number;
  /** Local state directory, passed to every `wrangler d1 … --local` and to `wrangler dev`. */
  persistTo: string;
  /** Seed the demo accounts and content as well as the reference data (default true). */
  demo?: boolean;
  /** Receives every line wrangler prints (setup commands and the dev server). */
  log?: (line: string) => void;
  /** wrangler dev's `--log-level`; wrangler's default when omitted. */
  logLevel?: LogLevel;
  /**
   * Send wrangler dev's output straight to this file instead of through `log`. Use it when this
   * process is busy (the bench): wrangler writes its stdout synchronously, so a pipe this process
   * drains late makes wrangler itself wait. Migration and seed output still go to `log`.
   */
  logFile?: string;
  /** How long to wait for `/v1/health` to answer 200 (default 90 s). */
  readyTimeoutMs?: number;
  /** More `[vars]` for the gateway, e.g. a short refresh-token reuse window for a test. */
  vars?: Record<string, string>;
}

export interface Stack {
  /** `http://127.0.0.1:<port>`; send a `Host` header to pick the brand. */
  origin: string;
  port: number;
  /** Milliseconds from the start until migrated, until seeded, and until `/v1/health` answered 200. */
  timings: { migrateMs: number; setupMs: number; readyMs: number };
  /** Resolves when wrangler dev has exited (after `stop()`, or on its own). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpRequestOptions {
  port: number;
  host: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** One HTTP request to 127.0.0.1:<port> with `Host: <host>`; resolves on any status. */
export function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = nodeRequest(
      {
        host: "127.0.0.1",
        port: options.port,
        path: options.path,
        method: options.method ?? "GET",
        headers: { ...options.headers, host: options.host },
        agent: false,
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolvePromise({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: ${options.method ?? "GET"} ${options.path}`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

export function httpGet(port: number, host: string, path: string): Promise<HttpResponse> {
  return httpRequest({ port, host, path });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolvePromise(address.port);
        else reject(new Error("could not get a free port"));
      });
    });
  });
}

/** Node 22 (the `node` devDependency) when installed, else the Node running this script. */
function nodeBinary(): string {
  const pinned = join(ROOT, "node_modules", "node", "bin", "node");
  return existsSync(pinned) ? pinned : process.execPath;
}

const WRANGLER_JS = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** Environment for every wrangler we start: no telemetry and no Request.cf download (offline). */
function wranglerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // Anything that runs `wrangler` through node_modules/.bin (`#!/usr/bin/env node`) gets Node 22.
    PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    FORCE_COLOR: "0",
    NO_COLOR: "1",
  };
}

/** Calls `log` once per line of a stream. */
function pipeLines(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  if (!stream) return;
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? "";
    for (const line of lines) log(line);
  });
  stream.on("end", () => {
    if (pending) log(pending);
    pending = "";
  });
}

/** Keeps the last lines printed, to explain a failure. */
function lineBuffer(size: number, forward?: (line: string) => void) {
  const lines: string[] = [];
  return {
    push(line: string) {
      lines.push(line);
      if (lines.length > size) lines.shift();
      forward?.(line);
    },
    tail: () => lines.join("\n"),
  };
}

/** The last lines of a text file, or "" if it cannot be read. */
export function fileTail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Runs one wrangler command to completion; rejects with its output on a non-zero exit. */
export function runWrangler(
  args: string[],
  options: { log?: (line: string) => void; timeoutMs?: number } = {},
): Promise<void> {
  const output = lineBuffer(60, options.log);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(nodeBinary(), [WRANGLER_JS, ...args], {
      cwd: ROOT,
      env: wranglerEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    pipeLines(child.stdout, output.push);
    pipeLines(child.stderr, output.push);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else
        reject(
          new Error(`wrangler ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output.tail()}`),
        );
    });
  });
}

/**
 * Applies the D1 migrations of both databases to the local state in `persistTo`. One after the
 * other: side by side saved about 2 s but both write miniflare's shared `metadata.sqlite`.
 */
export async function applyMigrations(persistTo: string, log?: (line: string) => void): Promise<void> {
  for (const { name, config } of Object.values(DATABASES)) {
    await runWrangler(
      ["d1", "migrations", "apply", name, "--local", "--persist-to", persistTo, "-c", config],
      { log },
    );
  }
}

// ---- process-group bookkeeping: a wrangler we started must never outlive us ----

interface Tracked {
  child: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<Tracked>();
let handlersInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

function onExit(): void {
  for (const { child } of running) killGroup(child, "SIGKILL");
}

function onSignal(signal: NodeJS.Signals): void {
  const code = signal === "SIGINT" ? 130 : 143;
  // Stop every server cleanly (SIGTERM, then SIGKILL after the grace period), then exit; the exit
  // hook kills whatever is left if that takes too long.
  setTimeout(() => process.exit(code), 10_000).unref();
  void Promise.allSettled([...running].map((server) => server.stop())).then(() => process.exit(code));
}

function track(server: Tracked): void {
  running.add(server);
  if (!handlersInstalled) {
    handlersInstalled = true;
    process.on("exit", onExit);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    process.on("SIGHUP", onSignal);
  }
}

function untrack(server: Tracked): void {
  running.delete(server);
  if (running.size === 0 && handlersInstalled) {
    handlersInstalled = false;
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
  }
}

export interface DevServer {
  child: ChildProcess;
  /** Resolves when the whole process group has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Spawns `wrangler dev` in its own process group (so workerd and every helper it starts can be
 * stopped together) and returns a handle; `stop()` sends SIGTERM to the group, then SIGKILL after
 * `graceMs`, and waits for the exit.
 */
export function spawnWranglerDev(
  args: string[],
  options: { log?: (line: string) => void; logFile?: string; graceMs?: number } = {},
): DevServer {
  // With `logFile`, wrangler writes straight to the file and this process never touches its output
  // (the bench needs that: see StartStackOptions.logFile).
  const fd = options.logFile ? openSync(options.logFile, "a") : undefined;
  const child = spawn(nodeBinary(), [WRANGLER_JS, "dev", ...args], {
    cwd: ROOT,
    env: wranglerEnv(),
    stdio: fd === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", fd, fd],
    detached: true,
  });
  if (fd !== undefined) closeSync(fd);
  const log = options.log ?? (() => {});
  pipeLines(child.stdout, log);
  pipeLines(child.stderr, log);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        killGroup(child, "SIGKILL");
        return;
      }
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), options.graceMs ?? 5000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  const tracked: Tracked = { child, stop };
  track(tracked);
  const exited = new Promise<void>((resolvePromise) => {
    child.on("exit", () => {
      // wrangler is gone; make sure nothing it started lingers in its group.
      killGroup(child, "SIGKILL");
      untrack(tracked);
      resolvePromise();
    });
    child.on("error", () => {
      untrack(tracked);
      resolvePromise();
    });
  });
  return { child, exited, stop };
}

/**
 * Polls `GET <path>` with `Host: <host>` until it answers `status`, the server exits, or the
 * deadline passes.
 */
export async function waitForHttp(
  server: DevServer,
  options: {
    port: number;
    host: string;
    path: string;
    status?: number;
    timeoutMs: number;
    describe: () => string;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited before it was ready.\n${options.describe()}`);
    try {
      const res = await httpRequest({
        port: options.port,
        host: options.host,
        path: options.path,
        timeoutMs: 5000,
      });
      if (res.status === (options.status ?? 200)) return;
      last = `${res.status} ${res.body.slice(0, 500)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(
    `GET ${options.path} (Host: ${options.host}) on port ${options.port} was not ${options.status ?? 200} ` +
      `within ${options.timeoutMs / 1000} s; last answer: ${last}\n${options.describe()}`,
  );
}

/**
 * Migrates and seeds the local databases in `persistTo`, starts the four workers with one
 * `wrangler dev` on 127.0.0.1:<port>, and resolves once `/v1/health` answers 200 for girlfanz.
 */
export async function startStack(options: StartStackOptions): Promise<Stack> {
  const started = Date.now();
  const output = lineBuffer(80, options.log);
  const persistTo = resolve(ROOT, options.persistTo);
  await mkdir(persistTo, { recursive: true });

  await applyMigrations(persistTo, output.push);
  const migratedMs = Date.now() - started;
  await seedDatabases({
    persistTo,
    demo: options.demo ?? true,
    // Through runWrangler, so wrangler's output reaches the log, not stdout (the bench's JSON).
    runWrangler: (args) => runWrangler(args, { log: output.push }),
  });
  const setupMs = Date.now() - started;

  const inspectorPort = await freePort();
  const args = [
    ...STACK_CONFIGS.flatMap((config) => ["-c", config]),
    "--persist-to",
    persistTo,
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
    // URLs the API returns name this port when a client's Host header carries none.
    "--var",
    `LOCAL_PUBLIC_PORT:${options.port}`,
    // The issuer names its own origin in every token, so it must be the port clients reach it on.
    "--var",
    `AUTH_ISSUER:http://auth.localhost:${options.port}`,
    ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    "--inspector-port",
    String(inspectorPort),
    "--inspector-ip",
    "127.0.0.1",
    "--show-interactive-dev-session=false",
    ...(options.logLevel ? ["--log-level", options.logLevel] : []),
  ];
  output.push(`$ wrangler dev ${args.join(" ")}`);
  const server = spawnWranglerDev(args, {
    log: output.push,
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  const describe = options.logFile
    ? () => `${output.tail()}\n${fileTail(options.logFile ?? "", 80)}`
    : output.tail;
  try {
    await waitForHttp(server, {
      port: options.port,
      host: "girlfanz.localhost",
      path: "/v1/health",
      timeoutMs: options.readyTimeoutMs ?? 90_000,
      describe,
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    origin: `http://127.0.0.1:${options.port}`,
    port: options.port,
    timings: { migrateMs: migratedMs, setupMs, readyMs: Date.now() - started },
    exited: server.exited,
    stop: server.stop,
  };
}
