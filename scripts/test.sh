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
# No incremental caches: CI builds once from clean, and they are a third of the build's
# disk (4.4 GB of 14). A fresh CI machine's disk ran out mid-build with them.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
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
step "Rust: clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "Rust: tests (SQLite and PostgreSQL)" cargo test --workspace --exclude orgdesk-e2e --locked
step "App: build" cargo build -p orgdesk-app --bin orgdesk -p orgdesk-server --bin orgdesk-server --locked
# The OpenAPI document against the real server (about 3 minutes; scripts/contract.sh).
step "API contract (schemathesis)" bash scripts/contract.sh
step "End-to-end" bash scripts/e2e.sh
steps_summary
