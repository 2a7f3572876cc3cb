#!/usr/bin/env bash
# Builds and starts the Orgdesk desktop app. With no server configured it starts its own
# built-in server (SQLite in the app data folder), so nothing else needs to run.
#
#   scripts/run.sh          the release build users get (custom-protocol): the first build
#                           takes about 10 minutes on 2 cores, a rebuild after a change 2-5
#   scripts/run.sh --dev    a debug build, for working on the app: about 4 minutes the first
#                           time and seconds after a change, but its sign-in screen paints
#                           about 1.6x later (scripts/bench-app.sh measured 2.9 s vs 1.8 s)
#
# Other arguments go to the app.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  cat >&2 <<'MSG'
Orgdesk is a desktop app and needs a display, but neither DISPLAY nor WAYLAND_DISPLAY is set.
Run it from a graphical session, or give it a virtual screen:

    xvfb-run -a bash scripts/run.sh

MSG
  exit 1
fi

bash scripts/setup.sh --app
# shellcheck source=scripts/lib/steps.sh
source "$ROOT/scripts/lib/steps.sh"
step "UI: build" npm --prefix "$ROOT/ui" run build
if [[ ${1:-} == --dev ]]; then
  shift
  printf '\n==> Starting a debug build of Orgdesk (the first build takes a few minutes)\n'
  exec cargo run -p orgdesk-app --bin orgdesk -- "$@"
fi
printf '\n==> Starting the release build of Orgdesk (the first build takes about 10 minutes on 2 cores)\n'
exec cargo run --release -p orgdesk-app --features custom-protocol --bin orgdesk -- "$@"
