#!/usr/bin/env bash
# Builds and starts the Orgdesk desktop app. With no server configured it starts its own
# built-in server (SQLite in the app data folder), so nothing else needs to run.
# Extra arguments go to the app.
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
printf '\n==> Starting Orgdesk (first build of the app takes a few minutes)\n'
exec cargo run -p orgdesk-app --bin orgdesk -- "$@"
