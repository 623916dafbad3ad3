#!/usr/bin/env bash
# Generates (or, with --check, verifies) each worker's env interface from its wrangler config. The
# gateway's run also reads the internal workers' configs so its service bindings are typed with their
# RPC methods (and the media worker's reads the vault's, for its VAULT binding). Each internal worker gets its own interface name (MediaEnv, …) so the gateway's program,
# which type-checks their sources through those bindings, can hold all four at once. Runtime types
# come from @cloudflare/workers-types.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=()
[ "${1:-}" = "--check" ] && mode=(--check)
gen() {
  wrangler types "$1" --include-runtime=false --strict-vars=false --include-main-module=false "${mode[@]}" "${@:2}" >/dev/null
}
gen workers/gateway/worker-configuration.d.ts -c wrangler.toml \
  -c workers/media/wrangler.toml -c workers/vault/wrangler.toml -c workers/compliance/wrangler.toml
gen workers/media/worker-configuration.d.ts --env-interface MediaEnv -c workers/media/wrangler.toml \
  -c workers/vault/wrangler.toml
gen workers/vault/worker-configuration.d.ts --env-interface VaultEnv -c workers/vault/wrangler.toml
gen workers/compliance/worker-configuration.d.ts --env-interface ComplianceEnv -c workers/compliance/wrangler.toml
