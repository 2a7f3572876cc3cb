#!/usr/bin/env bash
# Installs the release .deb on this machine the way a user does and checks it works there:
#
#   bash scripts/package.sh                 # builds target/release/bundle/deb/Orgdesk_*.deb
#   bash scripts/test-package.sh [--keep] [path/to/Orgdesk.deb]     # as root
#
# `dpkg -i` (then `apt-get -f install` only if a dependency is missing, and it says so), the
# desktop entry validated and registered as the orgdesk:// handler, and then the journey
# tests/tests/installed.rs against the INSTALLED /usr/bin/orgdesk, under scripts/e2e.sh's
# session (Xvfb, D-Bus, an unlocked keychain): sign up on the built-in server, create an
# org, open an orgdesk:// link with xdg-open and see the running app open the org's page.
# At the end the package, and the desktop tools this script installed, are removed again
# (--keep leaves them). Not part of scripts/test.sh: it needs root and a release build.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

log() { printf '[test-package] %s\n' "$*"; }
fail() { printf '[test-package] ERROR: %s\n' "$*" >&2; exit 1; }

KEEP=0
DEB=""
for arg in "$@"; do
  case $arg in
    --keep) KEEP=1 ;;
    -*) fail "unknown option $arg (usage: test-package.sh [--keep] [file.deb])" ;;
    *) DEB=$arg ;;
  esac
done
((EUID == 0)) || fail "run as root: it installs the package with dpkg -i"
if [[ -z $DEB ]]; then
  DEB=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/Orgdesk_*.deb 2>/dev/null | head -n1 || true)
  [[ -n $DEB ]] || fail "no .deb in $CARGO_TARGET_DIR/release/bundle/deb: run scripts/package.sh"
fi
[[ -f $DEB ]] || fail "$DEB does not exist"
if dpkg-query -W -f='${Status}' orgdesk 2>/dev/null | grep -q 'ok installed'; then
  fail "orgdesk is installed already; this test installs and removes it: dpkg -r orgdesk first"
fi

ADDED_TOOLS=()
INSTALLED=0
cleanup() {
  local rc=$?
  if ((KEEP)); then
    log "--keep: orgdesk${ADDED_TOOLS[*]:+ and ${ADDED_TOOLS[*]}} stay installed"
  else
    if ((INSTALLED)); then
      dpkg -r orgdesk >/dev/null && log "removed orgdesk (dpkg -r)"
    fi
    if ((${#ADDED_TOOLS[@]})); then
      apt-get purge -y -qq "${ADDED_TOOLS[@]}" >/dev/null &&
        log "removed what this script installed: ${ADDED_TOOLS[*]}"
    fi
  fi
  if ((rc == 0)); then log "passed"; else log "FAILED (exit $rc)"; fi
  exit "$rc"
}
trap cleanup EXIT

# What a desktop uses to read and register the entry, without their recommends.
for tool in desktop-file-utils xdg-utils; do
  dpkg-query -W -f='${Status}' "$tool" 2>/dev/null | grep -q 'ok installed' || ADDED_TOOLS+=("$tool")
done
if ((${#ADDED_TOOLS[@]})); then
  log "installing ${ADDED_TOOLS[*]} (removed again at the end unless --keep)"
  apt-get install -y -qq --no-install-recommends "${ADDED_TOOLS[@]}" >/dev/null
fi

log "dpkg -i $DEB ($(du -h "$DEB" | cut -f1))"
INSTALLED=1
if ! dpkg -i "$DEB"; then
  log "dpkg -i left dependencies missing: apt-get -f install -y installs them"
  apt-get -f install -y --no-install-recommends
fi
dpkg-query -W -f='${Status}' orgdesk | grep -q 'ok installed' || fail "orgdesk is not installed"
log "installed: $(dpkg-query -W -f='${Package} ${Version} ${Architecture}' orgdesk)"

BIN=/usr/bin/orgdesk
ENTRY=/usr/share/applications/Orgdesk.desktop
[[ -x $BIN ]] || fail "$BIN is missing"
missing=$(ldd "$BIN" | grep 'not found' || true)
[[ -z $missing ]] || fail "$BIN needs libraries that are not installed:"$'\n'"$missing"
[[ -f $ENTRY ]] || fail "$ENTRY is missing"
desktop-file-validate "$ENTRY" || fail "desktop-file-validate rejects $ENTRY"
log "desktop-file-validate $ENTRY: valid"
grep -q '^MimeType=.*x-scheme-handler/orgdesk;' "$ENTRY" || fail "$ENTRY declares no orgdesk scheme"
ls /usr/share/icons/hicolor/*/apps/orgdesk.png >/dev/null || fail "no icons in /usr/share/icons/hicolor"

update-desktop-database /usr/share/applications
# Asked from empty user folders, so only what the package installed can answer.
fresh=$(mktemp -d)
handler=$(XDG_CONFIG_HOME=$fresh/config XDG_DATA_HOME=$fresh/data \
  xdg-mime query default x-scheme-handler/orgdesk || true)
rm -rf "$fresh"
[[ $handler == Orgdesk.desktop ]] ||
  fail "xdg-mime names ${handler:-nothing} as the orgdesk:// handler, not Orgdesk.desktop"
log "xdg-mime query default x-scheme-handler/orgdesk: $handler"

log "journey against the installed $BIN (tests/tests/installed.rs)"
ORGDESK_E2E_APP_BINARY=$BIN ORGDESK_E2E_TEST=installed \
  bash scripts/e2e.sh --ignored installed_package
