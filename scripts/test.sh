#!/usr/bin/env bash
# The one test command: sets everything up, starts the real broker and store (or uses
# KAFKA_BOOTSTRAP_SERVERS / MONGODB_URI, or testcontainers where a Docker engine runs),
# and runs the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
status=0
uv run pytest "$@" || status=$?
if [[ $status -eq 5 ]]; then
  echo "pytest collected no tests: treating as failure" >&2
  exit 1
fi
exit $status
