#!/usr/bin/env bash
# Sets up Assay on a fresh Debian/Ubuntu machine: the sandbox's system package (bubblewrap), python3 for
# the Python client, chromium for the dashboard's browser test, then the npm packages (`npm ci` also builds
# dist/ through the `prepare` script).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
[ -x /usr/bin/python3 ] || need+=(python3)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install: ${need[*]} (Debian/Ubuntu: apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<6)) { console.error("setup: Node >= 20.6 is required, found "+process.version); process.exit(1) }'
npm ci --no-audit --no-fund
