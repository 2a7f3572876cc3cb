#!/usr/bin/env bash
# The org export benchmark (not part of CI): seeds an org on a fresh SQLite database in a
# temporary folder (bulk INSERTs, not the API) and exports it, printing the time and the
# peak memory of the export; first a baseline org 10x smaller, then the full one
# (100,000 members, 1,000,000 ledger lines). Each size runs in a process of its own, so
# each peak is its own. The temporary folders are deleted at the end of each run.
#
#   bash scripts/bench-export.sh                 both sizes
#   BENCH_MEMBERS=20000 BENCH_LEDGER=200000 bash scripts/bench-export.sh   another size (and its tenth)
#
# Built with the dev profile, like the tests (compression, hashing and SQLite are
# optimised there; the server's own code is not), so figures are conservative.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
MEMBERS=${BENCH_MEMBERS:-100000}
LEDGER=${BENCH_LEDGER:-1000000}

cargo build -q -p orgdesk-server --example export_bench
BIN="$CARGO_TARGET_DIR/debug/examples/export_bench"
for scale in 10 1; do
    members=$((MEMBERS / scale))
    ledger=$((LEDGER / scale))
    echo "== org of ${members} members, ${ledger} ledger lines =="
    "$BIN" --members "$members" --ledger "$ledger"
done
