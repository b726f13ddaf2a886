#!/usr/bin/env bash
# Install the pinned Node tools (the official AsyncAPI parser) when missing or stale.
# Idempotent and quiet when up to date; tests call it so a fresh clone installs itself.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/contracts/asyncapi-validate"

command -v node >/dev/null || { echo "ensure-node-tools: node is not installed" >&2; exit 127; }
command -v npm >/dev/null || { echo "ensure-node-tools: npm is not installed" >&2; exit 127; }

marker="$dir/node_modules/.package-lock.json"
if [[ ! -d "$dir/node_modules" || ! -f "$marker" || "$dir/package-lock.json" -nt "$marker" ]]; then
    echo "ensure-node-tools: npm ci in ${dir#"$root"/}" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    touch "$marker"
fi
