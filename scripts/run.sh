#!/usr/bin/env bash
# The one run command: sets everything up, starts the embedded broker and store and the
# services, plays a short scenario and prints its outcome. Extra arguments go to `msa demo`:
# `scripts/run.sh --live` runs the services and the scheduler on real days instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec uv run msa demo "$@"
