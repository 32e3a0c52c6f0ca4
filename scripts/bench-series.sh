#!/usr/bin/env bash
# Interleaved benchmark series, so Sala and the reference see the same machine state (this VM's
# numbers drift by ±30 % over minutes): REPEATS rounds of `scripts/bench.sh` for each target.
# Usage: scripts/bench-series.sh ROOMS PARTICIPANTS RATE REPEATS [TARGETS…]
# Prints one line per run: target, p50/p99 ms, server CPU %, µs per delivery, RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
rooms=$1 participants=$2 rate=$3 repeats=$4
shift 4
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(yjs sala sala-memory)
for round in $(seq 1 "$repeats"); do
  for target in "${targets[@]}"; do
    out=$(scripts/bench.sh "$target" "$rooms" "$participants" "$rate" 20 2>&1)
    latency=$(grep '^latency' <<<"$out" | sed -E 's/.*p50 ([0-9.]+).*p99 ([0-9.]+).*/p50 \1 · p99 \2/')
    server=$(grep '^server' <<<"$out" | sed -E 's/.*\(([0-9.]+) %\) · ([0-9.]+) µs per delivery · rss ([0-9.]+ MB).*/cpu \1 % · \2 µs\/delivery · \3/')
    errors=$(grep -o 'errors [0-9]*' <<<"$out" | head -1)
    printf 'round %s · %-11s · %s · %s · %s\n' "$round" "$target" "$latency" "$server" "$errors"
  done
done
