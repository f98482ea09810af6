#!/usr/bin/env bash
# Finds or builds Temporal's own server (the version the CLI embeds), its SQL schema tool and, with
# --ui, the Web UI server (the version the CLI embeds), for `npm run cluster`, and prints four lines
# on stdout: the server, the schema tool, the UI server (`-` without --ui), and the directory of the
# PostgreSQL schemas (the versioned .sql files of that server version).
# Order: <repo>/.tools/bin, a machine-wide copy, `go install` into .tools/bin (a few minutes).
set -euo pipefail

version="v1.29.1"
ui_version="v2.42.1"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$repo/.tools/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/agent-tasks/temporal-server-$version"

if ! command -v go >/dev/null 2>&1; then
  echo "npm run cluster needs Go (1.22+) to build Temporal's server $version; or run a Temporal cluster yourself and point TEMPORAL_ADDRESS at it." >&2
  exit 1
fi
tools="server sql"
[[ "${1:-}" == "--ui" ]] && tools="server sql ui"
mkdir -p "$tools_bin"
for tool in $tools; do
  if [[ -x "$tools_bin/temporal-$tool" ]]; then continue; fi
  if [[ -x "$cache/temporal-$tool" ]]; then cp "$cache/temporal-$tool" "$tools_bin/temporal-$tool"; continue; fi
  pkg="go.temporal.io/server/cmd/server@$version"
  [[ "$tool" == sql ]] && pkg="go.temporal.io/server/cmd/tools/sql@$version"
  [[ "$tool" == ui ]] && pkg="github.com/temporalio/ui-server/v2/cmd/server@$ui_version"
  echo "Building Temporal's $tool ($pkg) into $tools_bin (first time only, a few minutes)..." >&2
  build="$(mktemp -d)"
  if ! GOBIN="$build" go install "$pkg" >&2; then
    echo "go install $pkg failed; see the error above." >&2
    exit 1
  fi
  mv "$build"/* "$tools_bin/temporal-$tool" && rmdir "$build"
  mkdir -p "$cache" && cp "$tools_bin/temporal-$tool" "$cache/" || true
done

schema="$(go env GOMODCACHE)/go.temporal.io/server@$version/schema/postgresql/v12"
if [[ ! -d "$schema" ]]; then
  # The module's source, which go install fetched; fetched again when the module cache was cleaned.
  (cd "$(mktemp -d)" && go mod download "go.temporal.io/server@$version" >&2)
fi
echo "$tools_bin/temporal-server"
echo "$tools_bin/temporal-sql"
if [[ "$tools" == *ui* ]]; then echo "$tools_bin/temporal-ui"; else echo "-"; fi
echo "$schema"
