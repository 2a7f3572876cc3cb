#!/usr/bin/env bash
# The API contract: Schemathesis runs the OpenAPI document the real orgdesk-server serves
# (/v1/openapi.json) against that same server, signed in as the owner of the demo seed, with
# every check (-c all), and fails on any disagreement. Settings: scripts/schemathesis.toml;
# hooks (fresh idempotency keys): scripts/contract_hooks.py.
#
#   scripts/contract.sh                 150 s with a random seed (printed)
#   CONTRACT_SEED=42 scripts/contract.sh              the same run again
#   CONTRACT_MAX_TIME=300 scripts/contract.sh         a longer run
#   ORGDESK_SERVER_BINARY=target/debug/orgdesk-server scripts/contract.sh
#                                       that build, not one of its own (scripts/test.sh:
#                                       the server built with the app; built alone, cargo
#                                       resolves other features of its dependencies and
#                                       compiles them all again, ~1 GB and minutes)
#
# The server listens on a free loopback port with a fresh data folder; both go away at the
# end. Needs Schemathesis 4.32.x (scripts/setup.sh installs it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/schemathesis.sh
source "$ROOT/scripts/lib/schemathesis.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

MAX_TIME=${CONTRACT_MAX_TIME:-150}
SEED=${CONTRACT_SEED:-$((RANDOM * 32768 + RANDOM))}
# Loopback only: never through a proxy the environment names.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy=$NO_PROXY
DEMO_EMAIL=demo@orgdesk.dev
DEMO_PASSWORD=orgdesk-demo-2026

log() { printf '[contract] %s\n' "$*"; }
fail() { printf '[contract] ERROR: %s\n' "$*" >&2; exit 1; }

ST=$(schemathesis_bin)
[[ -n $ST ]] || fail "Schemathesis $SCHEMATHESIS_SERIES.x is not installed: run scripts/setup.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/orgdesk-contract.XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

SERVER=${ORGDESK_SERVER_BINARY:-}
if [[ -z $SERVER ]]; then
  log "building orgdesk-server"
  cargo build -q -p orgdesk-server --bin orgdesk-server --locked
  SERVER=$CARGO_TARGET_DIR/debug/orgdesk-server
fi
[[ -x $SERVER ]] || fail "no server binary at $SERVER"

# Port 0: the server picks a free port and logs the address it listens on.
# --payments none (the default, named here): top-ups and paid plans answer 409
# payments_not_configured, as the document says.
# Webhooks: the generated URLs are never resolved (private hosts allowed, so nothing needs
# checking when one is saved) and never sent to (--no-webhook-delivery): this run sends no
# traffic anywhere but to the server on loopback. The guard is tested in the API tests.
# Domain verifications ask a resolver on a loopback port where none listens (503
# dns_unavailable), never the system's.
"$SERVER" --listen 127.0.0.1:0 --data-dir "$WORK/data" --demo \
  --payments none --allow-insecure-webhooks --allow-private-webhooks --no-webhook-delivery \
  --dns-resolver 127.0.0.1:9 \
  --log-format json >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE=""
for _ in $(seq 1 120); do
  BASE=$(grep -o '"url":"http://127\.0\.0\.1:[0-9]*' "$WORK/server.log" | head -n 1 | cut -d'"' -f4 || true)
  [[ -n $BASE ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; fail "the server stopped"; }
  sleep 0.5
done
[[ -n $BASE ]] || { cat "$WORK/server.log" >&2; fail "the server did not start within 60 s"; }
log "server at $BASE (data in $WORK/data)"

# A session of the demo owner; each call signs in anew. (Python is there for Schemathesis.)
sign_in() {
  python3 - "$BASE" "$DEMO_EMAIL" "$DEMO_PASSWORD" <<'PY'
import json, sys, urllib.request
base, email, password = sys.argv[1:]
request = urllib.request.Request(
    base + "/v1/auth/login",
    data=json.dumps({"email": email, "password": password}).encode(),
    headers={"content-type": "application/json"},
)
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with direct.open(request, timeout=30) as answer:
    print(json.load(answer)["token"])
PY
}
# Throwaway accounts of their own for ending sessions (see schemathesis.toml).
sign_up() {
  python3 - "$BASE" "$1" <<'PY'
import json, sys, urllib.request
base, email = sys.argv[1:]
request = urllib.request.Request(
    base + "/v1/auth/signup",
    data=json.dumps({"email": email, "password": "contract-sessions-2026",
                     "display_name": "Contract Sessions"}).encode(),
    headers={"content-type": "application/json"},
)
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with direct.open(request, timeout=30) as answer:
    print(json.load(answer)["token"])
PY
}
ORGDESK_CONTRACT_TOKEN=$(sign_in)
ORGDESK_CONTRACT_LOGOUT_TOKEN=$(sign_in)
ORGDESK_CONTRACT_EVERYWHERE_TOKEN=$(sign_up contract-everywhere@example.com)
ORGDESK_CONTRACT_SESSION_TOKEN=$(sign_up contract-session@example.com)
export ORGDESK_CONTRACT_TOKEN ORGDESK_CONTRACT_LOGOUT_TOKEN ORGDESK_CONTRACT_EVERYWHERE_TOKEN \
  ORGDESK_CONTRACT_SESSION_TOKEN

log "schemathesis for ${MAX_TIME}s, seed $SEED (again: CONTRACT_SEED=$SEED $0)"
# From the scratch folder: Schemathesis keeps its example database and reports in the
# working directory. One worker: with two, CPython 3.11 (Debian 12's) now and then fails
# inside Hypothesis with "AST constructor recursion depth mismatch" (python/cpython#106905),
# and the server has the other core.
rc=0
(
  cd "$WORK"
  SCHEMATHESIS_HOOKS="$ROOT/scripts/contract_hooks.py" \
    "$ST" --config-file "$ROOT/scripts/schemathesis.toml" run "$BASE/v1/openapi.json" \
      --checks all \
      --max-time "$MAX_TIME" \
      --workers 1 \
      --seed "$SEED" \
      --generation-database none \
      --no-color
) || rc=$?
if ((rc != 0)); then
  if grep -q '"level":"ERROR"' "$WORK/server.log"; then
    log "errors the server logged:"
    grep '"level":"ERROR"' "$WORK/server.log" | tail -n 20 >&2
  fi
  fail "schemathesis found disagreements (exit $rc); reproduce with CONTRACT_SEED=$SEED"
fi
log "no disagreements (seed $SEED)"
