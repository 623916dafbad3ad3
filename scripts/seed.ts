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
 * Local runs include the demo accounts and localhost callbacks; remote runs seed brands, roles and
 * OAuth clients only.
 */

const ROOT = resolve(import.meta.dirname, "..");

/** The two D1 databases and the wrangler config that binds each (paths relative to the root). */
export const DATABASES = {
  core: { name: "fun-core", config: "wrangler.toml" },
  compliance: { name: "fun-compliance", config: "workers/compliance/wrangler.toml" },
} as const;

/** Runs one wrangler command (arguments after `wrangler`) from the repository root. */
export type WranglerRunner = (args: string[]) => Promise<void>;

/** The CLI's runner: wrangler's own output goes straight to this terminal. */
const runInTerminal: WranglerRunner = async (args) => {
  execFileSync(join(ROOT, "node_modules/.bin/wrangler"), args, {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
};

export interface SeedOptions {
  /** Wrangler's local state directory; ignored when `remote` is true. */
  persistTo: string;
  demo: boolean;
  remote?: boolean;
  /** How to run wrangler; by default in this terminal. */
  runWrangler?: WranglerRunner;
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
      await (options.runWrangler ?? runInTerminal)([
        "d1",
        "execute",
        name,
        ...target,
        "-c",
        config,
        "--file",
        file,
        "-y",
      ]);
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
