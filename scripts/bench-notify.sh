#!/usr/bin/env bash
# What NOTIFY costs PostgreSQL here, and where its global queue lock caps notifying commits:
# pgbench runs CLIENTS connections committing as fast as they can, first a plain insert (a
# board's batch without notification), then the same insert plus pg_notify in the transaction
# (what Sala's append does), with three listening connections (three servers) attached.
# Usage: scripts/bench-notify.sh [CLIENTS] [SECONDS]   (docs/benchmarks.md, *Scale-out*)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-8} seconds=${2:-15}
admin=$(scripts/ensure-postgres.sh)
db=sala_bench_notify_$$
psql "$admin" -qc "CREATE DATABASE $db"
url="${admin%/*}/$db"
work=$(mktemp -d)
listeners=()
trap 'kill "${listeners[@]}" 2>/dev/null || true; psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$work"' EXIT
psql "$url" -qc "CREATE TABLE updates (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, board BIGINT, data BYTEA)"
for _ in 1 2 3; do
  # A listener that keeps reading (psql prints notifications after each command).
  (while true; do echo "LISTEN sala_board; SELECT pg_sleep(0.05);"; done | psql "$url" -q > /dev/null 2>&1) &
  listeners+=($!)
done
cat > "$work/plain.sql" <<'SQL'
\set board random(1, 1000)
INSERT INTO updates (board, data) VALUES (:board, decode(repeat('ab', 60), 'hex'));
SQL
# The same four statements as the notifying transaction, without the notification.
cat > "$work/transaction.sql" <<'SQL'
\set board random(1, 1000)
BEGIN;
INSERT INTO updates (board, data) VALUES (:board, decode(repeat('ab', 60), 'hex'));
SELECT '12345 ' || :board || ':1';
COMMIT;
SQL
cat > "$work/notify.sql" <<'SQL'
\set board random(1, 1000)
BEGIN;
INSERT INTO updates (board, data) VALUES (:board, decode(repeat('ab', 60), 'hex'));
SELECT pg_notify('sala_board', '12345 ' || :board || ':1');
COMMIT;
SQL
for kind in plain transaction notify; do
  echo "== $kind (clients $clients, ${seconds}s)"
  pgbench -n -c "$clients" -j 2 -T "$seconds" -f "$work/$kind.sql" "$url" 2>&1 \
    | grep -E "^(tps|latency average|number of transactions actually)"
done
