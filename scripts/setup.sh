#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, test and run Orgdesk. Safe to run again: each step
# checks first and does nothing when it is already done.
#
#   scripts/setup.sh          everything the tests need (CI runs this as root)
#   scripts/setup.sh --app    only what building and running the app needs
#   scripts/setup.sh --bench  what scripts/bench-server.sh needs: oha and wrk, PostgreSQL;
#                             and scripts/bench-app.sh: Xvfb, python3-xlib, python3-numpy
#                             (CI does not pass it: CI runs no benchmark)
#
# Needs the Rust toolchain and Node 20+/npm; installs the rest (apt as root, or via sudo).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/steps.sh
source "$ROOT/scripts/lib/steps.sh"
# shellcheck source=scripts/lib/schemathesis.sh
source "$ROOT/scripts/lib/schemathesis.sh"
# shellcheck source=scripts/lib/localstripe.sh
source "$ROOT/scripts/lib/localstripe.sh"
# shellcheck source=scripts/lib/standardwebhooks.sh
source "$ROOT/scripts/lib/standardwebhooks.sh"

PROFILE="test"
case "${1:-}" in
  "") ;;
  --app) PROFILE=app ;;
  --bench) PROFILE=bench ;;
  *) echo "usage: $0 [--app|--bench]" >&2; exit 2 ;;
esac

TEST_DATABASE_URL='postgres://postgres@localhost/postgres?host=/var/run/postgresql'

APP_PACKAGES=(
  # Tauri 2 on Linux
  libwebkit2gtk-4.1-dev build-essential file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
  # keyring's Secret Service backend
  libdbus-1-dev libsecret-1-dev
)
TEST_PACKAGES=(
  # a real window without a screen, and WebDriver for it
  xvfb webkit2gtk-driver
  # a session bus and an unlocked keychain inside it
  dbus-x11 gnome-keyring libsecret-tools
  # a notification server whose notifications a test can click (dunstctl)
  dunst
  # server tests against PostgreSQL
  postgresql
  # screenshots, window inspection, PDF checks
  imagemagick x11-utils xdotool poppler-utils
  # Schemathesis (the API contract) in a virtual environment
  python3-venv
)
BENCH_PACKAGES=(
  # the debit runs' load tool (a Lua script gives each request its own Idempotency-Key)
  wrk
  # scripts/bench-server.sh seeds through the API and reads the load tools' JSON
  curl jq
  # the benchmark's second backend
  postgresql
  # scripts/bench-app.sh: a window under Xvfb, timed from its X events and frames
  xvfb gnome-keyring dbus-x11 imagemagick webkit2gtk-driver python3-xlib python3-numpy
)
# The HTTP load tool of scripts/bench-server.sh, pinned (crates.io).
OHA_VERSION=1.16.0

as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "this step needs root: run as root or install sudo" >&2
    return 1
  fi
}

check_toolchain() {
  local tool missing=0
  for tool in cargo rustc node npm; do
    if ! command -v "$tool" >/dev/null; then
      echo "    missing: $tool (install the Rust toolchain and Node 20+ first)" >&2
      missing=1
    fi
  done
  ((missing == 0))
  echo "    $(cargo --version), node $(node --version), npm $(npm --version)"
}

install_packages() {
  local wanted=("${APP_PACKAGES[@]}") missing=() pkg
  if [[ $PROFILE == test ]]; then
    wanted+=("${TEST_PACKAGES[@]}")
  elif [[ $PROFILE == bench ]]; then
    wanted+=("${BENCH_PACKAGES[@]}")
  fi
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    echo "    all ${#wanted[@]} packages already installed"
    return
  fi
  echo "    installing ${#missing[@]}: ${missing[*]}"
  quietly as_root apt-get update -q
  quietly as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The test URL connects as `postgres` over the local socket without a password, so the
# test runner need not be the postgres OS user: trust that one local role.
start_postgres() {
  local version cluster hba
  read -r version cluster _ < <(pg_lsclusters -h | head -n 1)
  if [[ -z ${version:-} ]]; then
    echo "    no PostgreSQL cluster found (pg_lsclusters is empty)" >&2
    return 1
  fi
  hba=/etc/postgresql/$version/$cluster/pg_hba.conf
  if as_root grep -Eq '^local[[:space:]]+all[[:space:]]+postgres[[:space:]]+peer' "$hba"; then
    as_root sed -Ei 's/^(local[[:space:]]+all[[:space:]]+postgres[[:space:]]+)peer/\1trust/' "$hba"
    echo "    $hba: local connections as postgres now use trust"
    if pg_lsclusters -h | grep -q "^$version *$cluster .*online"; then
      as_root pg_ctlcluster "$version" "$cluster" reload
    fi
  fi
  if pg_lsclusters -h | grep -q "^$version *$cluster .*online"; then
    echo "    cluster $version/$cluster already running"
  else
    as_root pg_ctlcluster "$version" "$cluster" start
    echo "    cluster $version/$cluster started"
  fi
  local tries=0
  until pg_isready -q -h /var/run/postgresql; do
    if ((++tries > 30)); then
      echo "    PostgreSQL did not accept connections within 15 s" >&2
      return 1
    fi
    sleep 0.5
  done
  psql -q -X -v ON_ERROR_STOP=1 "$TEST_DATABASE_URL" -c 'select 1' >/dev/null
  export ORGDESK_TEST_DATABASE_URL=$TEST_DATABASE_URL
  echo "    export ORGDESK_TEST_DATABASE_URL='$TEST_DATABASE_URL'"
}

install_tauri_driver() {
  if command -v tauri-driver >/dev/null; then
    echo "    $(command -v tauri-driver) already installed"
    return
  fi
  # Its own temporary target dir: don't lock or fill the workspace's.
  quietly env -u CARGO_TARGET_DIR cargo install tauri-driver --locked
  echo "    installed $(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")"
}

install_oha() {
  if command -v oha >/dev/null && [[ $(oha --version) == "oha $OHA_VERSION" ]]; then
    echo "    $(command -v oha) ($(oha --version)) already installed"
    return
  fi
  # Its own temporary target dir, like tauri-driver's; several minutes on 2 cores.
  quietly env -u CARGO_TARGET_DIR cargo install oha --version "$OHA_VERSION" --locked
  echo "    installed $(oha --version)"
}

# The API contract's fuzzer, pinned to one release series (scripts/lib/schemathesis.sh).
install_schemathesis() {
  local st
  st=$(schemathesis_bin)
  if [[ -n $st ]]; then
    echo "    $st ($("$st" --version)) already installed"
    return
  fi
  command -v python3 >/dev/null || {
    echo "    missing: python3 (with venv and pip)" >&2
    return 1
  }
  quietly python3 -m venv "$SCHEMATHESIS_VENV"
  quietly "$SCHEMATHESIS_VENV/bin/pip" install --disable-pip-version-check "$SCHEMATHESIS_REQUIREMENT"
  st=$(schemathesis_bin)
  [[ -n $st ]] || {
    echo "    $SCHEMATHESIS_VENV/bin/st is not $SCHEMATHESIS_SERIES.x after installing" >&2
    return 1
  }
  echo "    installed $("$st" --version) in $SCHEMATHESIS_VENV"
}

# A pinned PyPI package in a venv of its own: `check` prints what the tests use (empty
# when the pinned version is missing), so a re-run finds it and installs nothing.
install_in_venv() {
  local check=$1 venv=$2 requirement=$3 found
  found=$("$check")
  if [[ -n $found ]]; then
    echo "    $requirement already installed ($found)"
    return
  fi
  quietly python3 -m venv "$venv"
  quietly "$venv/bin/pip" install --disable-pip-version-check "$requirement"
  found=$("$check")
  [[ -n $found ]] || {
    echo "    $requirement missing from $venv after installing" >&2
    return 1
  }
  echo "    installed $requirement in $venv"
}

# The Stripe stand-in the payment tests run against (scripts/lib/localstripe.sh).
install_localstripe() {
  install_in_venv localstripe_bin "$LOCALSTRIPE_VENV" "$LOCALSTRIPE_REQUIREMENT"
}

# The official Standard Webhooks library the webhook tests' receiver verifies deliveries
# with (scripts/lib/standardwebhooks.sh, scripts/lib/webhook_receiver.py).
install_standardwebhooks() {
  install_in_venv standardwebhooks_python "$STANDARDWEBHOOKS_VENV" "$STANDARDWEBHOOKS_REQUIREMENT"
}

# The SSO tests' OpenID provider: oidc-provider from npm, pinned in scripts/oidc.
install_oidc_provider() {
  local dir=$ROOT/scripts/oidc
  local marker=$dir/node_modules/.package-lock.json
  if [[ -f $marker && ! $dir/package-lock.json -nt $marker ]]; then
    echo "    scripts/oidc/node_modules is up to date with package-lock.json"
    return
  fi
  quietly npm ci --prefix "$dir" --no-audit --no-fund
  echo "    installed oidc-provider $(node -p "require('$dir/node_modules/oidc-provider/package.json').version")"
}

install_ui_deps() {
  local ui=$ROOT/ui
  local marker=$ui/node_modules/.package-lock.json
  if [[ -f $marker && ! $ui/package-lock.json -nt $marker ]]; then
    echo "    ui/node_modules is up to date with package-lock.json"
    return
  fi
  quietly npm ci --prefix "$ui" --no-audit --no-fund
  echo "    npm ci done"
}

step "Toolchain" check_toolchain
step "System packages ($PROFILE)" install_packages
if [[ $PROFILE == test ]]; then
  step "PostgreSQL" start_postgres
  step "tauri-driver" install_tauri_driver
  step "Schemathesis" install_schemathesis
  step "localstripe" install_localstripe
  step "standardwebhooks" install_standardwebhooks
  step "oidc-provider" install_oidc_provider
elif [[ $PROFILE == bench ]]; then
  step "PostgreSQL" start_postgres
  step "oha" install_oha
  step "tauri-driver" install_tauri_driver
fi
step "UI dependencies" install_ui_deps
printf '\nsetup (%s) done in %ss\n' "$PROFILE" "$((SECONDS - STEPS_T0))"
