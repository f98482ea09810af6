#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the test suite:
# starts the local cluster if it is stopped, installs Debian's package if there is none.
set -euo pipefail

host=127.0.0.1 port=5432
ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }

if command -v pg_isready >/dev/null 2>&1 && ready; then
  echo "PostgreSQL is up on $host:$port"; exit 0
fi

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "No PostgreSQL cluster here; installing Debian's postgresql package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  # The tests connect as postgres over TCP without a password, like the dev machines.
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  done
fi

version="$(ls /etc/postgresql | sort -V | tail -n1)"
echo "Starting PostgreSQL $version..." >&2
pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
for _ in $(seq 1 60); do
  if ready; then echo "PostgreSQL is up on $host:$port"; exit 0; fi
  sleep 0.5
done
echo "PostgreSQL did not come up on $host:$port; start it yourself or set TEST_POSTGRES_ADMIN_URL" >&2
exit 1
