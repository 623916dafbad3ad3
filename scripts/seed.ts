import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSeed } from "../packages/db/src/seed";

/**
 * Seeds both D1 databases through wrangler, the same path the migrations take, so the seed lands in
 * exactly the state `wrangler dev --persist-to <dir>` reads.
 *
 *   tsx scripts/seed.ts [--persist-to .wrangler/state] [--remote]
 *
 * Local runs include the demo accounts; remote runs seed tenants and roles only.
 */

const ROOT = resolve(import.meta.dirname, "..");

const DATABASES = {
  core: { name: "fun-core", config: join(ROOT, "wrangler.toml") },
  compliance: { name: "fun-compliance", config: join(ROOT, "workers/compliance/wrangler.toml") },
} as const;

export interface SeedOptions {
  /** Wrangler's local state directory; ignored when `remote` is true. */
  persistTo: string;
  demo: boolean;
  remote?: boolean;
}

export async function seedDatabases(options: SeedOptions): Promise<void> {
  if (options.remote && options.demo) {
    throw new Error("refusing to seed demo accounts into a remote database");
  }
  const statements = await buildSeed({ demo: options.demo });
  const dir = mkdtempSync(join(tmpdir(), "fun-seed-"));
  try {
    for (const key of ["core", "compliance"] as const) {
      if (statements[key].length === 0) continue;
      const file = join(dir, `${key}.sql`);
      writeFileSync(file, `${statements[key].join(";\n")};\n`);
      const target = options.remote ? ["--remote"] : ["--local", "--persist-to", resolve(options.persistTo)];
      const { name, config } = DATABASES[key];
      execFileSync(
        join(ROOT, "node_modules/.bin/wrangler"),
        ["d1", "execute", name, ...target, "-c", config, "--file", file, "-y"],
        { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] },
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): SeedOptions {
  let persistTo = ".wrangler/state";
  let remote = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--remote") remote = true;
    else if (arg === "--persist-to" && argv[i + 1]) persistTo = argv[++i] as string;
    else
      throw new Error(`unknown argument: ${arg}\nusage: tsx scripts/seed.ts [--persist-to <dir>] [--remote]`);
  }
  return { persistTo, remote, demo: !remote };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await seedDatabases(parseArgs(process.argv.slice(2)));
}
