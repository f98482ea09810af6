#!/usr/bin/env bash
# Makes sure a Chromium is there for the browser tests (tests/e2e/console.test.ts) and prints
# its path. Order: $CHROMIUM, chromium on PATH, else Debian's package (needs root and apt).
set -euo pipefail

if [[ -n "${CHROMIUM:-}" && -x "${CHROMIUM}" ]]; then echo "$CHROMIUM"; exit 0; fi
if command -v chromium >/dev/null 2>&1; then command -v chromium; exit 0; fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2; }
  command -v chromium; exit 0
fi
cat >&2 <<MSG
The browser tests need Chromium: install it (Debian/Ubuntu: apt-get install chromium) or point
CHROMIUM at a Chromium or Chrome binary.
MSG
exit 1
