#!/usr/bin/env bash
# Times the first `npm start` on a fresh clone of this repo, twice: with the Temporal CLI
# already built on the machine, and with empty Go and CLI caches (Go downloads and builds it).
# Needs ports 3199, 7233 and 8233 free. Prints one line per measurement.
set -u
repo="$(cd "$(dirname "$0")/.." && pwd)"

run() {
  local label=$1; shift
  local d; d=$(mktemp -d)
  git clone -q "$repo" "$d" && cd "$d" || return 1
  local s e
  s=$(date +%s.%N); npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1; e=$(date +%s.%N)
  echo "$label: npm ci $(echo "$e - $s" | bc) s"
  s=$(date +%s.%N)
  env "$@" PORT=3199 npm start > "$d/start.log" 2>&1 &
  for _ in $(seq 1 2400); do grep -q "agent-tasks is running" "$d/start.log" && break; sleep 0.25; done
  e=$(date +%s.%N)
  echo "$label: npm start until running $(echo "$e - $s" | bc) s"
  pkill -INT -f "$d/node_modules/.bin/tsx scripts/start.ts"; pkill -INT -f "scripts/start.ts"; sleep 8
  pkill -f "$d/.tools/bin/temporal"; sleep 1
  cd / && rm -rf "$d"
}

run "CLI cached"
empty=$(mktemp -d)
run "nothing cached" XDG_CACHE_HOME="$empty/xdg" GOMODCACHE="$empty/mod" GOCACHE="$empty/build" GOPATH="$empty/gopath"
chmod -R u+w "$empty" 2>/dev/null; rm -rf "$empty"
