#!/usr/bin/env bash
# End-to-end suite: the real app in a real WebKit window under Xvfb, with an unlocked
# keychain on a private D-Bus session bus. Arguments go to the test binary as filters:
#
#   scripts/e2e.sh                  every end-to-end test
#   scripts/e2e.sh keychain         only tests whose name contains "keychain"
#
# Screenshots land in tests/screenshots/<test>/. Nothing started here outlives the run:
# every process gets ORGDESK_E2E_RUN in its environment, and any still alive at the end is
# named, stopped, and fails the run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# Test failures are anyhow errors: their message matters, not where they were built.
export RUST_LIB_BACKTRACE=${RUST_LIB_BACKTRACE:-0}

log() { printf '[e2e] %s\n' "$*"; }
fail() { printf '[e2e] ERROR: %s\n' "$*" >&2; exit 1; }

# Processes (other than this shell and its parents) carrying this run's marker.
marked_processes() {
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    if tr '\0' '\n' 2>/dev/null <"$environ" | grep -qx "ORGDESK_E2E_RUN=$ORGDESK_E2E_RUN"; then
      echo "$pid"
    fi
  done
}

# Outside the session: start one, run this script inside it, then check for leftovers.
outside_session() {
  local rc=0 leaked pid waited=0
  export ORGDESK_E2E_RUN="$$-$RANDOM"
  for tool in dbus-run-session gnome-keyring-daemon Xvfb WebKitWebDriver secret-tool; do
    command -v "$tool" >/dev/null || fail "$tool is not installed: run scripts/setup.sh"
  done
  command -v tauri-driver >/dev/null || [[ -x $HOME/.cargo/bin/tauri-driver ]] ||
    fail "tauri-driver is not installed: run scripts/setup.sh"
  [[ -f ui/dist/index.html ]] || fail "ui/dist is missing: run 'npm run build' in ui/ first"

  dbus-run-session -- bash "$0" --inside-session "$@" || rc=$?

  while leaked=$(marked_processes) && [[ -n $leaked ]] && ((waited < 10)); do
    sleep 0.5
    waited=$((waited + 1))
  done
  if [[ -n $leaked ]]; then
    echo "[e2e] ERROR: processes outlived the run:" >&2
    for pid in $leaked; do
      ps -o pid=,args= -p "$pid" >&2 || true
      kill -TERM "$pid" 2>/dev/null || true
    done
    ((rc != 0)) || rc=1
  fi
  if ((rc == 0)); then log "passed"; else log "FAILED (exit $rc)"; fi
  exit "$rc"
}

SCRATCH=""
KEYRING_PID=""
XVFB_PID=""

# shellcheck source=scripts/lib/session.sh
source "$ROOT/scripts/lib/session.sh"

start_xvfb() {
  # -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
  exec 3>"$SCRATCH/display"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$SCRATCH/xvfb.log" 2>&1 &
  XVFB_PID=$!
  exec 3>&-
  local tries=0
  until [[ -s $SCRATCH/display ]]; do
    kill -0 "$XVFB_PID" 2>/dev/null || fail "Xvfb exited: $(cat "$SCRATCH/xvfb.log")"
    ((++tries < 100)) || fail "Xvfb did not report a display within 10 s"
    sleep 0.1
  done
  DISPLAY=":$(tr -d '[:space:]' <"$SCRATCH/display")"
  export DISPLAY
  log "display: Xvfb $DISPLAY (pid $XVFB_PID)"
}

inside_session() {
  trap stop_inside EXIT
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/orgdesk-e2e.XXXXXX")
  mkdir -m 700 "$SCRATCH/runtime"
  # Private runtime dir: never talk to a developer's real keyring or compositor.
  export XDG_RUNTIME_DIR=$SCRATCH/runtime
  unset WAYLAND_DISPLAY
  export GDK_BACKEND=x11 NO_AT_BRIDGE=1
  start_keyring orgdesk-e2e
  start_xvfb
  if [[ -n ${ORGDESK_E2E_APP_BINARY:-} ]]; then
    # Another build of the app is under test (scripts/test-package.sh: the installed .deb);
    # a test that needs the server builds it when it starts it.
    log "app under test: $ORGDESK_E2E_APP_BINARY"
  else
    log "building the app and the server (no-op when up to date)"
    cargo build -p orgdesk-app --bin orgdesk -p orgdesk-server --bin orgdesk-server --locked
  fi
  # ORGDESK_E2E_TEST=<file> builds and runs only tests/tests/<file>.rs.
  local only=()
  [[ -z ${ORGDESK_E2E_TEST:-} ]] || only=(--test "$ORGDESK_E2E_TEST")
  # --no-fail-fast: a failing test binary must not hide how the others went.
  cargo test -p orgdesk-e2e "${only[@]}" --locked --no-fail-fast -- --test-threads=1 --nocapture "$@"
}

if [[ ${1:-} == --inside-session ]]; then
  shift
  inside_session "$@"
else
  outside_session "$@"
fi
