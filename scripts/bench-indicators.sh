#!/usr/bin/env bash
# The indicator import benchmark of docs/benchmarks.md: a CSV of ROWS values (default 100,000)
# imported with `sala indicators import` into a fresh database (SQLite by default, or the
# PostgreSQL at DATABASE_URL), twice: the first import writes every row, the second finds every
# row unchanged. Prints wall time and peak memory (GNU time) of each.
# Usage: scripts/bench-indicators.sh [ROWS]   (needs `make build`: the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
SALA=${SALA_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sala-target}/release/sala}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/example-indicators.py --rows "$rows" --to "$work/valores.csv"
export SALA_DATA_DIR=$work/data
# The catalogue first (the example's), so the big file is values only.
"$SALA" indicators import docs/examples/indicadores-ejemplo-catalogo.csv > /dev/null
echo "file: $(wc -l < "$work/valores.csv") lines, $(du -h "$work/valores.csv" | cut -f1)"
for run in first again; do
  /usr/bin/time -f "$run: %e s wall, %M KiB peak RSS" "$SALA" indicators import "$work/valores.csv" \
    | grep -E '^Valores'
done
