#!/usr/bin/env bash
# Finds the Temporal CLI or builds it, and prints its path on stdout.
# Order: $TEMPORAL_CLI, `temporal` on PATH, <repo>/.tools/bin/temporal, `go install` into .tools/bin.
set -euo pipefail

version="v1.5.1"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$repo/.tools/bin"
# A machine-wide copy, so a fresh clone (CI) reuses a CLI built once on this machine.
cache_bin="${XDG_CACHE_HOME:-$HOME/.cache}/agent-tasks/temporal-$version"

if [[ -n "${TEMPORAL_CLI:-}" && -x "${TEMPORAL_CLI}" ]]; then
  echo "$TEMPORAL_CLI"; exit 0
fi
if command -v temporal >/dev/null 2>&1; then
  command -v temporal; exit 0
fi
if [[ -x "$tools_bin/temporal" ]]; then
  echo "$tools_bin/temporal"; exit 0
fi
if [[ -x "$cache_bin" ]]; then
  mkdir -p "$tools_bin"
  cp "$cache_bin" "$tools_bin/temporal"
  echo "$tools_bin/temporal"; exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
agent-tasks needs the Temporal CLI and cannot find or build it. Any one of these fixes it:
  1. install the Temporal CLI (https://docs.temporal.io/cli) so that \`temporal\` is on PATH,
     or point TEMPORAL_CLI at the binary;
  2. install Go (1.22+) and run this again: it builds the CLI into .tools/bin with
     \`go install github.com/temporalio/cli/cmd/temporal@$version\`;
  3. with Docker, run \`docker compose -f temporal-dev.yml up -d\` and start the app with
     TEMPORAL_ADDRESS=localhost:7233 (npm start then uses that server).
MSG
  exit 1
fi

mkdir -p "$tools_bin"
echo "Building the Temporal CLI $version into $tools_bin (first time only, a few minutes)..." >&2
if ! GOBIN="$tools_bin" go install "github.com/temporalio/cli/cmd/temporal@$version" >&2; then
  echo "go install of the Temporal CLI failed; see the error above. Other ways out: install the CLI, or use Docker with temporal-dev.yml." >&2
  exit 1
fi
mkdir -p "$(dirname "$cache_bin")" && cp "$tools_bin/temporal" "$cache_bin" || true
echo "$tools_bin/temporal"
