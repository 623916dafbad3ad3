/**
 * `npm run check:bundles`: builds every worker exactly as `wrangler deploy` would upload it
 * (`wrangler deploy --dry-run --outdir dist/bundles/<name>`), prints each bundle's raw and
 * gzip-compressed size, and fails if a compressed size is over the Workers Free plan's 3 MiB limit.
 *
 * `--outdir` must be absolute: with a relative path wrangler 4.164 writes the README relative to
 * the current directory but the JS relative to the config's directory (so for
 * `-c workers/vault/wrangler.toml` the bundle landed in `workers/vault/dist/bundles/...`).
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, runWrangler, STACK_CONFIGS } from "./stack";

const MiB = 1024 * 1024;
const FREE_LIMIT = 3 * MiB;
const PAID_LIMIT = 10 * MiB;

/** Files wrangler writes next to the bundle that are not uploaded as modules. */
const NOT_UPLOADED = [/\.map$/, /^README\.md$/];

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !NOT_UPLOADED.some((pattern) => pattern.test(file.split("/").pop() ?? "")));
}

async function workerName(config: string): Promise<string> {
  const toml = await readFile(join(ROOT, config), "utf8");
  const match = /^name\s*=\s*"([^"]+)"/m.exec(toml);
  if (!match?.[1]) throw new Error(`${config} has no name`);
  return match[1];
}

const formatSize = (bytes: number) =>
  bytes >= MiB ? `${(bytes / MiB).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;

interface BundleSize {
  name: string;
  config: string;
  files: number;
  raw: number;
  gzip: number;
  wranglerSays?: string;
}

async function buildOne(config: string): Promise<BundleSize> {
  const name = await workerName(config);
  const outdir = join(ROOT, "dist", "bundles", name);
  await rm(outdir, { recursive: true, force: true });
  let wranglerSays: string | undefined;
  await runWrangler(["deploy", "--dry-run", "--outdir", outdir, "-c", config], {
    log: (line) => {
      const total = /Total Upload: (.*)$/.exec(line);
      if (total) wranglerSays = total[1];
    },
  });
  const files = await listFiles(outdir);
  if (files.length === 0)
    throw new Error(`wrangler wrote no bundle for ${name} into ${relative(ROOT, outdir)}`);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = await readFile(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { name, config, files: files.length, raw, gzip, ...(wranglerSays ? { wranglerSays } : {}) };
}

async function main(): Promise<number> {
  const started = Date.now();
  // Two at a time: the CI machines have two cores.
  const results: BundleSize[] = [];
  const queue = [...STACK_CONFIGS];
  await Promise.all(
    [0, 1].map(async () => {
      for (let config = queue.shift(); config; config = queue.shift()) results.push(await buildOne(config));
    }),
  );
  results.sort((a, b) => STACK_CONFIGS.indexOf(a.config as never) - STACK_CONFIGS.indexOf(b.config as never));

  console.log(
    `Worker bundles (limits, gzip: ${formatSize(FREE_LIMIT)} Free plan, ${formatSize(PAID_LIMIT)} Paid)`,
  );
  console.log(
    `${"worker".padEnd(16)}${"raw".padStart(12)}${"gzip".padStart(12)}  ${"of 3 MiB".padStart(8)}  wrangler`,
  );
  let failed = false;
  for (const r of results) {
    const over = r.gzip > FREE_LIMIT;
    failed ||= over;
    const share = `${((r.gzip / FREE_LIMIT) * 100).toFixed(1)}%`;
    console.log(
      `${r.name.padEnd(16)}${formatSize(r.raw).padStart(12)}${formatSize(r.gzip).padStart(12)}  ${share.padStart(8)}  ` +
        `${r.wranglerSays ?? ""}${over ? "  <-- OVER the Free plan limit" : ""}`,
    );
  }
  console.log(`(bundles in dist/bundles/, built in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (failed) {
    console.error(`A worker's compressed bundle is over ${formatSize(FREE_LIMIT)} (the Free plan's limit).`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
