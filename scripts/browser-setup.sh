#!/usr/bin/env bash
# Installs what the dashboard's browser tests (tests/browser/) need on a fresh Debian 12
# machine, and nothing when it is already there (prints nothing then):
#   - Debian's chromium (plus chromium-driver, harmless) from apt, when /usr/bin/chromium is
#     missing. The tests drive this browser; no browser is ever downloaded by playwright.
#   - The Node dependencies of tests/browser/ (playwright-core, pinned in package.json and
#     package-lock.json) with `npm ci`, when node_modules/playwright-core is missing or
#     package-lock.json is newer than the installed tree.
# Called by scripts/test.sh; safe to run by hand any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."

# playwright-core never downloads browsers, but make sure nothing in the tree tries to.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. Chromium from Debian.
if [ ! -x /usr/bin/chromium ]; then
  echo "browser-setup: installing chromium from apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# 2. Node test dependencies. node_modules/.package-lock.json is the tree npm last installed;
#    it is older than package-lock.json when the lock changed since.
dir=tests/browser
installed="$dir/node_modules/.package-lock.json"
if [ ! -d "$dir/node_modules/playwright-core" ] || [ ! -e "$installed" ] \
  || [ "$dir/package-lock.json" -nt "$installed" ]; then
  # Node 20+ and npm come with the machine (playwright-core 1.65 needs Node >= 20; Debian
  # 12's own nodejs is 18, so it is not installed from here).
  if ! command -v npm >/dev/null 2>&1; then
    echo "browser-setup: npm not found; the browser tests need Node >= 20 with npm" >&2
    exit 1
  fi
  echo "browser-setup: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
