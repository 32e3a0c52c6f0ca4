#!/usr/bin/env bash
# Makes a local PostgreSQL available for the store suite: installs Debian's server when absent,
# starts the cluster (no systemd here) and creates a role allowed to create test databases.
# Prints the admin URL the tests read from SALA_TEST_POSTGRES_URL. Idempotent.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL (Debian package)…" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  as_root pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | grep "^$version main" | grep -q online; then
  as_root pg_ctlcluster "$version" main start >&2
fi

for _ in $(seq 1 30); do
  as_root su postgres -c "pg_isready -q -h 127.0.0.1" && break
  sleep 1
done

as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'sala'\"" | grep -q 1 \
  || as_root su postgres -c "psql -qc \"CREATE ROLE sala LOGIN CREATEDB PASSWORD 'sala'\"" >&2

echo "postgres://sala:sala@127.0.0.1:5432/postgres"
