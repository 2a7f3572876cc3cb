# shellcheck shell=bash
# Where the Stripe stand-in lives: scripts/setup.sh installs localstripe (PyPI, a stateful
# Stripe API server its community maintains) and the tests start it on a loopback port.
# Source it.

LOCALSTRIPE_REQUIREMENT="localstripe==1.15.10"
LOCALSTRIPE_VENV=${ORGDESK_LOCALSTRIPE_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/orgdesk/localstripe}

# Prints the path of the installed `localstripe`, or nothing.
localstripe_bin() {
  local candidate=$LOCALSTRIPE_VENV/bin/localstripe version
  [[ -x $candidate ]] || return 0
  # All of pip's answer is read (sed, not `grep -q`): a reader that stops early would break
  # pip's pipe, and under pipefail the check would fail at random.
  version=$("$LOCALSTRIPE_VENV/bin/pip" show localstripe 2>/dev/null | sed -n 's/^Version: //p')
  if [[ $version == "${LOCALSTRIPE_REQUIREMENT#localstripe==}" ]]; then
    echo "$candidate"
  fi
}
