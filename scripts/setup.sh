#!/usr/bin/env bash
# Sets up Assay on a fresh Debian/Ubuntu machine: the sandbox's system packages (bubblewrap, the compilers of
# its languages), python3 for the Python client, python3-numpy (the code datasets' tests import it; the
# trainer tests reproduce what verl and OpenRLHF do with rewards), chromium for the dashboard's browser
# test, then the npm packages (`npm ci` also builds dist/ through the `prepare` script) unless they are
# already installed from the current lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
[ -x /usr/bin/python3 ] || need+=(python3)
# Compilers and runtimes of the sandbox's languages (C, C++, Go, Java, Rust), looked up under /usr only.
[ -x /usr/bin/gcc ] || need+=(gcc)
[ -x /usr/bin/g++ ] || need+=(g++)
[ -x /usr/bin/go ] || need+=(golang-go)
[ -x /usr/bin/javac ] || need+=(default-jdk-headless)
[ -x /usr/bin/rustc ] || need+=(rustc)
# numpy: HumanEval+/MBPP+ tests import it (read-only in the sandbox under /usr); the trainer tests use it.
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
# chromium: the dashboard's browser test drives it through playwright-core.
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
# npm ci takes a minute and a half: skip it when node_modules was installed from this very lockfile, and
# rebuild dist/ only when a source is newer than it.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.assay-lock-hash ] && [ "$(cat node_modules/.assay-lock-hash)" = "$lock_hash" ]; then
  if [ ! -f dist/cli/main.js ] || [ -n "$(find src tsconfig.json tsconfig.build.json -newer dist/cli/main.js -print -quit)" ]; then
    npm run --silent build
  fi
else
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.assay-lock-hash
fi
