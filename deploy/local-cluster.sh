#!/usr/bin/env bash
# Starts three Sala servers on one local PostgreSQL behind HAProxy, to try the multi-server mode:
#   deploy/local-cluster.sh            (then open http://127.0.0.1:8080; Ctrl-C stops everything)
# Environment: SALA_BIN (default target/release/sala), DATABASE_URL (default: a local database
# `sala_cluster` created with scripts/ensure-postgres.sh), SERVERS (default 3), PORT (8080).
set -euo pipefail
cd "$(dirname "$0")/.."

servers=${SERVERS:-3}
port=${PORT:-8080}
bin=${SALA_BIN:-${CARGO_TARGET_DIR:-target}/release/sala}
[ -x "$bin" ] || { echo "no encuentro $bin: compile con 'make build' o indique SALA_BIN" >&2; exit 1; }
command -v haproxy >/dev/null || { echo "instalando HAProxy (paquete de Debian)…" >&2; apt-get install -y -qq haproxy >&2; }

if [ -z "${DATABASE_URL:-}" ]; then
  admin=$(scripts/ensure-postgres.sh)
  base=${admin%/*}
  psql "$admin" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'sala_cluster'" | grep -q 1 \
    || psql "$admin" -qc "CREATE DATABASE sala_cluster"
  export DATABASE_URL="$base/sala_cluster"
fi
# Every server signs and checks the same invitations and sign-ins.
export SALA_SECRET=${SALA_SECRET:-$(head -c 32 /dev/urandom | base64)}

run=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$run"; }
trap cleanup EXIT INT TERM

lines=""
for i in $(seq 1 "$servers"); do
  server_port=$((port + i))
  SALA_DATA_DIR="$run/s$i" "$bin" serve --addr "127.0.0.1:$server_port" \
    --public-url "http://127.0.0.1:$port" ${SITE_ROOT:+--site-root "$SITE_ROOT"} \
    > "$run/s$i.log" 2>&1 &
  pids+=($!)
  lines+="    server s$i 127.0.0.1:$server_port check"$'\n'
done
sed -e "s|{{LISTEN}}|127.0.0.1:$port|" -e "/{{SERVERS}}/{
r /dev/stdin
d
}" deploy/haproxy.cfg > "$run/haproxy.cfg" <<< "$lines"
haproxy -f "$run/haproxy.cfg" -db &
pids+=($!)
echo "Sala en http://127.0.0.1:$port ($servers servidores; registros en $run)" >&2
wait -n
