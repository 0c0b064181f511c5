#!/usr/bin/env bash
# Installs what Earshot needs on a Debian machine with Node 20, 22 or 24, then builds it and runs
# `earshot doctor`.
#   scripts/setup.sh           product dependencies (ffmpeg, pocketsphinx + en-us model)
#   scripts/setup.sh --test    also what the tests use (LibriVox clips, espeak-ng, sox, Chromium for the web app's tests)
# Idempotent: quick when everything is present. As root it installs Debian packages itself;
# otherwise it prints the exact apt command and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "earshot needs Node.js 20 or newer (found: $(node -v 2>/dev/null || echo none))." >&2
  exit 1
fi

packages=(ffmpeg pocketsphinx pocketsphinx-en-us libpocketsphinx3 wamerican)
[ "$want_test" = 1 ] && packages+=(pocketsphinx-testdata espeak-ng sox chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# onnxruntime-node's postinstall would fetch GPU builds from outside the npm registry; its bundled
# CPU build is what Earshot uses (package.json denies that script too).
export ONNXRUNTIME_NODE_INSTALL=skip
stamp=node_modules/.earshot-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "setup: installing npm packages" >&2
  # Not `npm ci`: the lock lists whisper.node's per-platform optional packages, and the registry
  # mirror on these machines lacks the ones for other platforms, which `npm ci` treats as an error.
  npm install --no-audit --no-fund
  touch "$stamp"
fi

if [ ! -f dist/cli/main.js ] || [ -n "$(find src -newer dist/cli/main.js -name '*.ts' -print -quit)" ]; then
  echo "setup: building" >&2
  npx tsc -p tsconfig.json
fi

# The web app (web/, Vite + Preact) into dist/web/, which `earshot serve` and `earshot api` serve at `/`.
if [ ! -f dist/web/index.html ] || [ -n "$(find web package-lock.json -newer dist/web/index.html -type f -not -path '*/node_modules/*' -print -quit)" ]; then
  echo "setup: building the web app" >&2
  npm run --silent build:web
fi

# What a first run needs, checked in one go (issue 20): one line per check, non-zero on a failure.
echo "setup: checking with earshot doctor" >&2
node bin/earshot.js doctor
