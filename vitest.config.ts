import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { basename } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { build, type Plugin } from "esbuild";
import { defineConfig } from "vitest/config";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { buildSeed } from "./packages/db/src/seed";

/**
 * Test projects. Each worker's tests run inside workerd with that worker's own wrangler config, real
 * local D1 (with the real migrations and the demo seed applied per test file), R2, Queues and
 * Durable Objects. The gateway project also runs the three internal workers beside it, built from
 * source and bound exactly as their wrangler configs say, so service-binding RPC is real. The e2e
 * project runs in Node against a real `wrangler dev` stack.
 */

const INTERNAL_WORKERS = ["media", "vault", "compliance"] as const;

/**
 * The compatibility settings and bindings of a worker, as wrangler resolves them from its config.
 * Options that describe how to load source (module rules, root path) are left out: the bundle is
 * already built, and the test runner's Miniflare does not take them from a newer wrangler.
 */
function bindingOptions(options: Record<string, unknown>): Record<string, unknown> {
  const skipped = new Set(["modulesRules", "rootPath", "connectHandlers", "email"]);
  return Object.fromEntries(
    Object.entries(options).filter(([key, value]) => {
      if (skipped.has(key)) return false;
      if (Array.isArray(value)) return value.length > 0;
      return value !== null && (typeof value !== "object" || Object.keys(value).length > 0);
    }),
  );
}

/**
 * Vars that differ under the test runner. Vitest has no HTTP server, so wrangler's local S3 endpoint
 * cannot be reached: uploads take the media worker's own token route here, and the presigned S3
 * path is tested end to end against `wrangler dev` (e2e/uploads.test.ts).
 */
const TEST_VARS: Record<string, Record<string, string>> = { media: { R2_S3_ENDPOINT: "" } };

const require = createRequire(import.meta.url);
const TEST_WORKERS_DIR = "dist/test-workers";

/**
 * WASM imports stay separate modules (workerd compiles no WASM at run time): each one is copied
 * beside the bundle, imported by its relative name, and handed to Miniflare as CompiledWasm.
 */
function wasmModules(worker: string, copied: string[]): Plugin {
  return {
    name: "wasm-modules",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /\.wasm$/ }, (args) => {
        const source = require.resolve(args.path, { paths: [args.resolveDir] });
        const name = `${worker}-wasm/${basename(source)}`;
        mkdirSync(`${TEST_WORKERS_DIR}/${worker}-wasm`, { recursive: true });
        copyFileSync(source, `${TEST_WORKERS_DIR}/${name}`);
        copied.push(`${TEST_WORKERS_DIR}/${name}`);
        return { path: `./${name}`, external: true };
      });
    },
  };
}

/** Auxiliary workers must be plain JS for Miniflare; bundle each from source once per run. */
async function auxiliaryWorker(name: (typeof INTERNAL_WORKERS)[number]) {
  const outfile = `${TEST_WORKERS_DIR}/${name}.mjs`;
  const wasm: string[] = [];
  await build({
    entryPoints: [`workers/${name}/src/index.ts`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    outfile,
    external: ["cloudflare:*"],
    mainFields: ["module", "main"],
    plugins: [wasmModules(name, wasm)],
    logLevel: "error",
  });
  const configPath = `workers/${name}/wrangler.toml`;
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const options = bindingOptions(workerOptions);
  return {
    name: unstable_readConfig({ config: configPath }).name,
    modulesRoot: TEST_WORKERS_DIR,
    modules: [
      { type: "ESModule" as const, path: outfile },
      ...[...new Set(wasm)].map((path) => ({ type: "CompiledWasm" as const, path })),
    ],
    ...options,
    bindings: { ...(options.bindings as Record<string, unknown> | undefined), ...TEST_VARS[name] },
  };
}

/**
 * The gateway's own D1 bindings plus the compliance database, bound under the test runner only: the
 * per-file setup then migrates and seeds it, and the compliance worker beside the gateway (which
 * binds the same database id) finds its tables. The deployed gateway never binds it.
 */
function gatewayTestDatabases(): Record<string, unknown> {
  const gateway = unstable_getMiniflareWorkerOptions("./wrangler.toml").workerOptions.d1Databases;
  const compliance = unstable_getMiniflareWorkerOptions("workers/compliance/wrangler.toml").workerOptions
    .d1Databases as Record<string, unknown>;
  return { ...(gateway as Record<string, unknown>), COMPLIANCE_DB: compliance.COMPLIANCE_DB };
}

export default defineConfig(async () => {
  const coreMigrations = await readD1Migrations("migrations/core");
  const complianceMigrations = await readD1Migrations("migrations/compliance");
  const seed = await buildSeed({ demo: true });
  const testBindings = {
    TEST_CORE_MIGRATIONS: coreMigrations,
    TEST_COMPLIANCE_MIGRATIONS: complianceMigrations,
    TEST_SEED: seed,
  };
  const workerProject = (name: string, configPath: string, include: string[], extra: object = {}) => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath },
        remoteBindings: false,
        miniflare: { bindings: { ...testBindings, ...TEST_VARS[name] }, ...extra },
      }),
    ],
    test: {
      name,
      include,
      setupFiles: ["packages/testing/src/apply-migrations.ts"],
    },
  });

  return {
    test: {
      // Request log lines are printed only for tests that fail, where they help.
      silent: "passed-only" as const,
      projects: [
        workerProject(
          "gateway",
          "./wrangler.toml",
          ["workers/gateway/**/*.test.ts", "packages/**/*.test.ts", "durable-objects/**/*.test.ts"],
          {
            workers: await Promise.all(INTERNAL_WORKERS.map(auxiliaryWorker)),
            d1Databases: gatewayTestDatabases(),
          },
        ),
        // The media worker hands originals to the vault over its service binding.
        workerProject("media", "./workers/media/wrangler.toml", ["workers/media/**/*.test.ts"], {
          workers: [await auxiliaryWorker("vault")],
        }),
        workerProject("vault", "./workers/vault/wrangler.toml", ["workers/vault/**/*.test.ts"]),
        workerProject("compliance", "./workers/compliance/wrangler.toml", [
          "workers/compliance/**/*.test.ts",
        ]),
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["e2e/**/*.test.ts"],
            testTimeout: 120_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
