/**
 * `npm run dev`: migrates and seeds `.wrangler/state` (demo data included), starts the four workers
 * with one `wrangler dev` on 127.0.0.1:8787 (or $PORT), prints where everything is, and streams
 * wrangler's output until Ctrl-C.
 */
import { startStack } from "./stack";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const BRANDS = ["girlfanz", "pupfanz", "daddyfanz"] as const;
const DEMO_PASSWORD = "fun-local-demo";
const DEMO_ACCOUNTS = [
  ["creator@fun.localhost", "a creator on every brand"],
  ["fan@fun.localhost", "a fan"],
  ["staff@fun.localhost", "staff (moderation, compliance)"],
] as const;

const started = Date.now();
console.log(`Starting FUN Core on 127.0.0.1:${port} (state in .wrangler/state)…`);

const stack = await startStack({
  port,
  persistTo: ".wrangler/state",
  demo: true,
  log: (line) => console.log(line),
}).catch((error: unknown) => {
  console.error(`\nThe stack did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const url = (host: string, path = "") => `http://${host}:${port}${path}`;
const lines = [
  "",
  `FUN Core is up (${((Date.now() - started) / 1000).toFixed(1)} s). Every *.localhost name resolves to this machine in`,
  "browsers and curl; from Node, send to 127.0.0.1 with a Host header.",
  "",
  "Brands (web + API):",
  ...BRANDS.map(
    (b) => `  ${b.padEnd(10)} ${url(`${b}.localhost`).padEnd(34)} API ${url(`${b}.localhost`, "/v1")}`,
  ),
  "Media (vault delivery):",
  ...BRANDS.map((b) => `  ${b.padEnd(10)} ${url(`media.${b}.localhost`)}`),
  `Uploads:     ${url("upload.localhost")}`,
  `Auth (OIDC): ${url("auth.localhost")}`,
  `API docs:    ${url("girlfanz.localhost", "/docs")}   OpenAPI ${url("girlfanz.localhost", "/openapi.json")}`,
  `Health:      ${url("girlfanz.localhost", "/v1/health")}`,
  "",
  `Demo accounts (password "${DEMO_PASSWORD}"):`,
  ...DEMO_ACCOUNTS.map(([email, what]) => `  ${email.padEnd(24)} ${what}`),
  "",
  `Try: curl -s ${url("pupfanz.localhost", "/v1/tenants/current")}`,
  "Press Ctrl-C to stop.",
  "",
];
console.log(lines.join("\n"));

// Ctrl-C / SIGTERM stop the whole wrangler process group and exit (handled in stack.ts). If wrangler
// dies on its own, say so and fail.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (!stopping) console.log("\nStopping FUN Core…");
    stopping = true;
  });
}
await stack.exited;
if (!stopping) {
  console.error("wrangler dev exited.");
  process.exit(1);
}
