#!/usr/bin/env bash
# Installs everything the system and its tests need on a fresh machine, and nothing twice:
# uv and the locked Python workspace, Debian packages (Java 17, Maven, kcat) when missing
# and we may install them, the Kafka jars (Maven), and the Node tools for contract checks.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian packages: ${need_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing: ${need_apt[*]} — install them (e.g. apt-get install ${need_apt[*]}) and rerun" >&2
    exit 1
  fi
fi

if ! command -v uv >/dev/null 2>&1; then
  say "installing uv"
  python3 -m pip install --quiet --disable-pip-version-check uv==0.13.9
fi
say "syncing the Python workspace (uv.lock)"
uv sync --frozen --quiet

if [[ ! -f deploy/kafka/target/lib/.complete ]]; then
  say "fetching Apache Kafka jars with Maven (first run only)"
  mvn -B -q -f deploy/kafka/pom.xml dependency:copy-dependencies
  touch deploy/kafka/target/lib/.complete
fi

if [[ -x scripts/ensure-node-tools.sh ]]; then
  scripts/ensure-node-tools.sh
fi

# --- reporting: a headless Chromium for the dashboard's browser test -------------------
# Debian's own build (Playwright drives it with executable_path=/usr/bin/chromium; it never
# downloads a browser). Missing and not root: the dashboard test says how to install it.
if ! command -v chromium >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian package: chromium (dashboard browser test)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  else
    echo "note: chromium is missing (apt-get install chromium); the dashboard browser test will fail" >&2
  fi
fi
# ------------------------------------------------------------------------------------------
