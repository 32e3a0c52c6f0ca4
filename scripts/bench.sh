#!/usr/bin/env bash
# Runs the sync benchmarks of docs/benchmarks.md: each server pinned to core 0, the load tool to
# core 1. Usage: scripts/bench.sh sala|sala-memory|yjs ROOMS PARTICIPANTS RATE [DURATION]
# Needs `make build` (release sala) and `cd end2end && npm ci` (y-websocket's reference server).
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1 rooms=$2 participants=$3 rate=$4 duration=${5:-30}
SALA=${SALA_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sala-target}/release/sala}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
case $target in
  sala|sala-memory)
    extra=()
    [ "$target" = sala-memory ] && extra=(--unsafe-in-memory-boards)
    SALA_DATA_DIR=$work RUST_LOG=warn taskset -c 0 "$SALA" serve --addr 127.0.0.1:3199 \
      --site-root /nonexistent --max-messages-per-second 10000 --max-writers-per-room 1000 --max-readers-per-room 1000 --max-sockets-per-client 100000 --max-sockets 100000 --max-board-mib-per-minute 1024 \
      "${extra[@]}" > "$work/server.log" 2>&1 &
    pid=$!
    url=ws://127.0.0.1:3199 kind=sala ;;
  yjs)
    HOST=127.0.0.1 PORT=3199 taskset -c 0 node end2end/node_modules/y-websocket/bin/server.cjs > "$work/server.log" 2>&1 &
    pid=$!
    url=ws://127.0.0.1:3199 kind=yjs ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/3199) 2>/dev/null && break; sleep 0.1; done
SALA_DATA_DIR=$work taskset -c 1 "$SALA" bench --target $kind --server $url --rooms "$rooms" \
  --participants "$participants" --rate "$rate" --duration "$duration" --warmup 10 \
  --server-pid $pid --connect-concurrency 100
