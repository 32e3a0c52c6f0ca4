#!/usr/bin/env bash
# The scale-out benchmark of docs/benchmarks.md: SERVERS Sala processes on one local PostgreSQL,
# one room's participants spread over all of them (participant i on server i mod SERVERS), so
# the latency it reports is from a write on one server to its receipt on another (and on the
# same one, 1/SERVERS of the pairs). Also counts the commits (= NOTIFY statements) per second
# from each server's /metrics, and what PostgreSQL itself spends.
# Usage: scripts/bench-cluster.sh SERVERS ROOMS PARTICIPANTS RATE [DURATION]
# Needs `make build` (release sala) and a local PostgreSQL (scripts/ensure-postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
servers=$1 rooms=$2 participants=$3 rate=$4 duration=${5:-20}
warmup=10
SALA=${SALA_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sala-target}/release/sala}
admin=$(scripts/ensure-postgres.sh)
db=sala_bench_cluster_$$
psql "$admin" -qc "CREATE DATABASE $db"
export DATABASE_URL="${admin%/*}/$db" SALA_SECRET=bench-secret-bench-secret-bench-secret
work=$(mktemp -d)
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT
bases=() metrics=()
for i in $(seq 1 "$servers"); do
  port=$((3200 + i)) mport=$((9500 + i))
  SALA_DATA_DIR=$work/s$i RUST_LOG=warn "$SALA" serve --cluster --addr 127.0.0.1:$port \
    --metrics-addr 127.0.0.1:$mport --site-root /nonexistent \
    --max-messages-per-second 10000 --max-writers-per-room 1000 --max-readers-per-room 1000 \
    --max-sockets-per-client 100000 --max-sockets 100000 --max-board-mib-per-minute 1024 \
    > "$work/s$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  bases+=("ws://127.0.0.1:$port") metrics+=("http://127.0.0.1:$mport/metrics")
done
commits() {
  local total=0
  for m in "${metrics[@]}"; do
    n=$(curl -s "$m" | awk '/^sala_board_commit_seconds_count/ {print $2}')
    total=$((total + ${n%.*}))
  done
  echo "$total"
}
pg_cpu() { # CPU seconds of every PostgreSQL backend and the postmaster
  local ticks=0
  for p in $(pgrep -f "postgres"); do
    t=$(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0); ticks=$((ticks + t))
  done
  echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}
also=() spread_pids=()
for b in "${bases[@]:1}"; do also+=(--also-server "$b"); done
for p in "${pids[@]}"; do spread_pids+=(--server-pid "$p"); done
(
  sleep "$warmup"; c0=$(commits); p0=$(pg_cpu)
  sleep "$duration"; c1=$(commits); p1=$(pg_cpu)
  echo "commits (NOTIFY statements) per second, all servers: $(( (c1 - c0) / duration ))" >&2
  echo "PostgreSQL CPU: $(echo "scale=1; 100 * ($p1 - $p0) / $duration" | bc) %" >&2
) &
watcher=$!
"$SALA" bench --target sala --server "${bases[0]}" "${also[@]}" --rooms "$rooms" \
  --participants "$participants" --rate "$rate" --duration "$duration" --warmup "$warmup" \
  "${spread_pids[@]}" --connect-concurrency 100
wait $watcher
