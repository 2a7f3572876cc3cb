#!/usr/bin/env bash
# The app benchmark: Orgdesk against the Tauri hello-world in bench/hello (same Tauri, same
# release profile, custom-protocol on both), release builds, under Xvfb, alternated A B A B.
# Prints one table: each figure's Orgdesk and hello-world medians (p95), their ratio, the
# target of issue 14 and whether it is met.
#
#   scripts/bench-app.sh                 7 runs per app and scenario, 60 cached switches
#   scripts/bench-app.sh --runs 9 --switches 100
#   scripts/bench-app.sh --no-build      measure the release builds already there (the
#                                        in-app driver, a debug test, is still built)
#
# Needs scripts/setup.sh --bench (python3-xlib, python3-numpy, Xvfb, gnome-keyring,
# tauri-driver). Builds take ~10 min (Orgdesk) and ~5 min (hello-world) on 2 cores from
# cold. Figures, logs and the settled frames (PNG) land in target/bench-app/. Not part of
# CI. Launch timings: scripts/bench/app.py; in-app ones: tests/tests/bench_app.rs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/target/bench-app
PY=/usr/bin/python3

log() { printf '[bench-app] %s\n' "$*" >&2; }
fail() { printf '[bench-app] ERROR: %s\n' "$*" >&2; exit 1; }

RUNS=7
SWITCHES=60
BUILD=1
INSIDE=0
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --switches) SWITCHES=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --inside-session) INSIDE=1; shift ;;
    *) echo "usage: $0 [--runs N] [--switches N] [--no-build]" >&2; exit 2 ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || fail "--runs needs a positive number"
[[ $SWITCHES =~ ^[1-9][0-9]*$ ]] || fail "--switches needs a positive number"

ORGDESK=$ROOT/target/release/orgdesk
HELLO=$ROOT/bench/hello/target/release/tauri-hello

build() {
  log "building the UI, then Orgdesk and the hello-world (release, custom-protocol)"
  npm --prefix ui run build >&2
  cargo build --release --locked -p orgdesk-app --features custom-protocol
  (cd bench/hello && cargo build --release --locked --features custom-protocol)
  build_driver
}

# The in-app driver (a debug test binary, not what is measured): always brought up to date,
# so --no-build never runs a harness older than tests/src (it once kept compositing's
# setting from reaching the app).
build_driver() {
  cargo test -p orgdesk-e2e --test bench_app --locked --no-run
}

KEYRING_PID=""
XVFB_PID=""
SCRATCH=""

# shellcheck source=scripts/lib/session.sh
source "$ROOT/scripts/lib/session.sh"

# An Xvfb on the first free display of :72..:79 (this benchmark's range).
start_xvfb() {
  local n tries
  for n in 72 73 74 75 76 77 78 79; do
    [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] && continue
    Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp -noreset >"$SCRATCH/xvfb.log" 2>&1 &
    XVFB_PID=$!
    tries=0
    until [[ -e /tmp/.X11-unix/X$n ]]; do
      kill -0 "$XVFB_PID" 2>/dev/null || fail "Xvfb :$n exited: $(cat "$SCRATCH/xvfb.log")"
      ((++tries < 100)) || fail "Xvfb :$n did not start within 10 s"
      sleep 0.1
    done
    export DISPLAY=:$n
    return
  done
  fail "no free X display among :72..:79"
}

inside_session() {
  trap stop_inside EXIT
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/orgdesk-bench-app.XXXXXX")
  mkdir -m 700 "$SCRATCH/runtime"
  export XDG_RUNTIME_DIR=$SCRATCH/runtime GDK_BACKEND=x11 NO_AT_BRIDGE=1
  unset WAYLAND_DISPLAY
  start_keyring orgdesk-bench
  rm -rf "$OUT"
  mkdir -p "$OUT"

  log "launch timings, sign-in screen and first launch: $RUNS runs each, A B A B"
  "$PY" scripts/bench/app.py launches --orgdesk "$ORGDESK" --hello "$HELLO" --runs "$RUNS" \
    --scenarios warm,first --logs "$OUT/launches" --out "$OUT/launches.json"

  log "in-app figures over WebDriver (demo account, $SWITCHES cached switches)"
  start_xvfb
  # The test binary itself, not `cargo test`: that would wait for any build holding the
  # target dir's lock.
  (cd tests && ORGDESK_E2E_APP_BINARY=$ORGDESK ORGDESK_BENCH_SWITCHES=$SWITCHES \
    ORGDESK_BENCH_INAPP_OUT=$OUT/inapp.json ORGDESK_BENCH_PROFILE_OUT=$OUT/signed-in \
    RUST_LIB_BACKTRACE=0 "$TEST_EXE" --ignored --nocapture --test-threads=1 >&2)
  kill -TERM "$XVFB_PID" && wait "$XVFB_PID" 2>/dev/null || true
  XVFB_PID=""

  log "launch timings, signed-in relaunch: $RUNS runs each, A B A B; then the tour by links"
  "$PY" scripts/bench/app.py launches --orgdesk "$ORGDESK" --hello "$HELLO" --runs "$RUNS" \
    --scenarios relaunch,tour --relaunch-profile "$OUT/signed-in" --logs "$OUT/relaunch" \
    --out "$OUT/relaunch.json"

  echo
  "$PY" scripts/bench/app.py table --launches "$OUT/launches.json" "$OUT/relaunch.json" \
    --inapp "$OUT/inapp.json" --dist ui/dist --hello-dist bench/hello/dist | tee "$OUT/table.txt"
  log "figures, logs and settled frames in $OUT"
}

if ((INSIDE)); then
  inside_session
  exit
fi
"$PY" -c 'import Xlib, numpy' 2>/dev/null ||
  fail "python3-xlib and python3-numpy are missing: run scripts/setup.sh --bench"
for tool in dbus-run-session gnome-keyring-daemon Xvfb convert WebKitWebDriver; do
  command -v "$tool" >/dev/null || fail "$tool is not installed: run scripts/setup.sh --bench"
done
if ((BUILD == 0)); then build_driver; else build; fi
[[ -x $ORGDESK && -x $HELLO ]] || fail "release builds missing: run without --no-build"
# The newest build of tests/tests/bench_app.rs.
TEST_EXE=$(find "${CARGO_TARGET_DIR:-$ROOT/target}/debug/deps" -maxdepth 1 -type f -executable \
  -name 'bench_app-*' -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n 1 | cut -d' ' -f2-)
[[ -n $TEST_EXE ]] || fail "tests/tests/bench_app.rs did not build"
export TEST_EXE
dbus-run-session -- bash "$0" --inside-session --runs "$RUNS" --switches "$SWITCHES"
