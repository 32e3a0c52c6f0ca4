#!/usr/bin/env bash
# Interleaved benchmark series, so Sala and the reference see the same machine state (this VM's
# numbers drift by ±30 % over minutes): REPEATS rounds of `scripts/bench.sh` for each target.
# Usage: scripts/bench-series.sh ROOMS PARTICIPANTS RATE REPEATS [TARGETS…]
# Prints the build, then one line per run: target, sockets connected, errors, p50/p99 ms,
# server CPU %, µs per delivery, RSS. A failed run is reported and the series goes on.
set -uo pipefail
cd "$(dirname "$0")/.."
rooms=$1 participants=$2 rate=$3 repeats=$4
shift 4
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(yjs sala sala-memory)
echo "build: $(git rev-parse --short HEAD 2>/dev/null || echo unknown) · load: $rooms rooms × $participants × $rate/s"
for round in $(seq 1 "$repeats"); do
  for target in "${targets[@]}"; do
    if ! out=$(scripts/bench.sh "$target" "$rooms" "$participants" "$rate" 20 2>&1); then
      printf 'round %s · %-11s · FAILED\n%s\n' "$round" "$target" "$out" >&2
      continue
    fi
    sockets=$(grep -m1 -o 'connected [0-9]*) · errors [0-9]*' <<<"$out" || echo 'no summary')
    latency=$(grep -m1 '^latency' <<<"$out" | sed -E 's/.*p50 ([0-9.]+).*p99 ([0-9.]+).*/p50 \1 · p99 \2/' || true)
    server=$(grep -m1 '^server' <<<"$out" | sed -E 's/.*\(([0-9.]+) %\) · ([0-9.]+) µs per delivery · rss ([0-9.]+ MB).*/cpu \1 % · \2 µs\/delivery · \3/' || true)
    printf 'round %s · %-11s · %s · %s · %s\n' "$round" "$target" "${sockets%)*}${sockets#*)}" "$latency" "$server"
  done
done
