#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup, UI checks, Rust formatting, lints and tests,
# the API contract (Schemathesis against the real server), then the end-to-end suite
# against the real app under Xvfb. Stops at the first failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/steps.sh
source "$ROOT/scripts/lib/steps.sh"

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# Disk: a fresh CI machine's disk ran out mid-build (the build was 14 GB then). No
# incremental caches (CI builds once from clean; they were 4.4 GB of it) and no debug info
# (a panic still names its file and line). ORGDESK_LEAN_DISK=1 (set by .ci/run) also runs
# clippy in a target folder of its own, deleted after it: its check-only artifacts serve
# nothing later (~1 GB), at the cost of compiling build scripts and macros twice.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
export CARGO_PROFILE_DEV_DEBUG=${CARGO_PROFILE_DEV_DEBUG:-false}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-always}
export ORGDESK_TEST_DATABASE_URL=${ORGDESK_TEST_DATABASE_URL:-postgres://postgres@localhost/postgres?host=/var/run/postgresql}

ui() { npm --prefix "$ROOT/ui" run "$@"; }

step "Setup" bash scripts/setup.sh
step "UI: type check" ui check
step "UI: lint" ui lint
step "UI: unit tests" ui test
# Before any cargo step on src-tauri: tauri::generate_context! embeds ui/dist.
step "UI: build" ui build
step "UI: initial-load budget (120 KB gzip)" ui budget
step "Rust: format" cargo fmt --all --check
clippy() { cargo clippy --workspace --all-targets --locked -- -D warnings; }
if [[ ${ORGDESK_LEAN_DISK:-} == 1 ]]; then
  lean_clippy() {
    CARGO_TARGET_DIR=$CARGO_TARGET_DIR/clippy clippy
    rm -rf "$CARGO_TARGET_DIR/clippy"
  }
  step "Rust: clippy" lean_clippy
else
  step "Rust: clippy" clippy
fi
rust_tests() { cargo test --workspace --exclude orgdesk-e2e --locked "$@"; }
step "Rust: tests (SQLite and PostgreSQL)" rust_tests
if [[ ${ORGDESK_LEAN_DISK:-} == 1 ]]; then
  # The test binaries have run; nothing later uses them (~1 GB). Cargo lists them.
  free_test_binaries() {
    rust_tests --no-run --message-format=json | python3 -c '
import json, os, sys
for line in sys.stdin:
    art = json.loads(line)
    if art.get("reason") == "compiler-artifact" and art["profile"]["test"] and art["executable"]:
        if os.path.exists(art["executable"]):
            os.remove(art["executable"])
'
  }
  step "Rust: free the test binaries" free_test_binaries
fi
step "App: build" cargo build -p orgdesk-app --bin orgdesk -p orgdesk-server --bin orgdesk-server --locked
# The OpenAPI document against the real server (about 3 minutes; scripts/contract.sh).
step "API contract (schemathesis)" \
  env ORGDESK_SERVER_BINARY="$CARGO_TARGET_DIR/debug/orgdesk-server" bash scripts/contract.sh
step "End-to-end" bash scripts/e2e.sh
steps_summary
