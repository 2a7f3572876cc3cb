# shellcheck shell=bash
# Where the webhook tests' receiver finds the official Standard Webhooks package:
# scripts/setup.sh installs `standardwebhooks` (PyPI) into a venv of its own, and the
# server's tests start scripts/lib/webhook_receiver.py with that venv's python, so every
# delivery is verified by the specification's own library. Source it.

STANDARDWEBHOOKS_REQUIREMENT="standardwebhooks==1.1.0"
STANDARDWEBHOOKS_VENV=${ORGDESK_STANDARDWEBHOOKS_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/orgdesk/standardwebhooks}

# Prints the venv's python when the pinned version is installed in it, or nothing.
standardwebhooks_python() {
  local python=$STANDARDWEBHOOKS_VENV/bin/python version
  [[ -x $python ]] || return 0
  # All of pip's answer is read (sed, not `grep -q`): a reader that stops early would break
  # pip's pipe, and under pipefail the check would fail at random.
  version=$("$STANDARDWEBHOOKS_VENV/bin/pip" show standardwebhooks 2>/dev/null | sed -n 's/^Version: //p')
  if [[ $version == "${STANDARDWEBHOOKS_REQUIREMENT#standardwebhooks==}" ]] &&
    "$python" -c 'import standardwebhooks' 2>/dev/null; then
    echo "$python"
  fi
}
