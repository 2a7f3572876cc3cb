# shellcheck shell=bash
# Where the API contract's Schemathesis lives: scripts/setup.sh installs it, and
# scripts/contract.sh runs it. Source it.
#
# The settings (scripts/schemathesis.toml) and hooks are written for one release series;
# any 4.32.x will do.

SCHEMATHESIS_SERIES=4.32
SCHEMATHESIS_REQUIREMENT="schemathesis>=4.32,<4.33"
# Its own virtual environment, outside the repository (Debian's Python is externally managed).
SCHEMATHESIS_VENV=${ORGDESK_SCHEMATHESIS_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/orgdesk/schemathesis}

# Prints the path of an `st` of the pinned series (ours first, then one on PATH), or
# nothing.
schemathesis_bin() {
  local candidate
  for candidate in "$SCHEMATHESIS_VENV/bin/st" "$(command -v st || true)"; do
    if [[ -n $candidate && -x $candidate ]] &&
      [[ $("$candidate" --version 2>/dev/null) == "st, version $SCHEMATHESIS_SERIES."* ]]; then
      echo "$candidate"
      return
    fi
  done
}
