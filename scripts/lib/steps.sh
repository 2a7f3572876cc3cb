# shellcheck shell=bash
# Step headers, timings and a failure report for the scripts in scripts/. Source it.
#
#   step "Name" command args…   runs the command under a header and prints its duration.
#   quietly command args…       runs it with output kept in a log, shown only if it fails.
#   steps_summary               prints every finished step with its duration.
#
# A failing step stops the script (set -e) and the EXIT trap names it. Don't call `step`
# inside `if`, `||` or `&&`: bash would then ignore errors inside the command.

STEPS_T0=$SECONDS
STEPS_CURRENT=""
STEPS_CURRENT_T0=0
STEPS_DONE=()

step() {
  local name=$1
  shift
  STEPS_CURRENT=$name
  STEPS_CURRENT_T0=$SECONDS
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  "$@"
  local took=$((SECONDS - STEPS_CURRENT_T0))
  printf '    ok: %s (%ss)%s\n' "$name" "$took" "$(steps_disk)"
  STEPS_DONE+=("$(printf '%6ss  %s' "$took" "$name")")
  STEPS_CURRENT=""
}

# Disk left and the build's size after a step: CI's machine has no fixed disk size, and a
# build that outgrows it fails in the middle of a compile ("No space left on device").
steps_disk() {
  local target=${CARGO_TARGET_DIR:-}
  [[ -n $target && -d $target ]] || return 0
  printf '; disk: %s free, target %s' \
    "$(df -h --output=avail "$target" 2>/dev/null | tail -n 1 | tr -d ' ')" \
    "$(du -sh "$target" 2>/dev/null | cut -f1)"
}

quietly() {
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/orgdesk-step.XXXXXX")
  if "$@" >"$log" 2>&1; then
    rm -f "$log"
  else
    local rc=$?
    printf '    command failed (exit %s): %s\n    --- last 60 lines of its output ---\n' "$rc" "$*" >&2
    tail -n 60 "$log" >&2
    rm -f "$log"
    return "$rc"
  fi
}

steps_summary() {
  printf '\n\033[1m==> Summary\033[0m\n'
  local line
  for line in "${STEPS_DONE[@]}"; do
    printf '%s\n' "$line"
  done
  printf '%6ss  total\n' "$((SECONDS - STEPS_T0))"
}

# Names the step that failed. Scripts with their own EXIT trap call this from it.
steps_report_failure() {
  local rc=$1
  if ((rc != 0)) && [[ -n $STEPS_CURRENT ]]; then
    printf '\n\033[1;31m!!! FAILED: %s (exit %s after %ss)\033[0m\n' \
      "$STEPS_CURRENT" "$rc" "$((SECONDS - STEPS_CURRENT_T0))" >&2
  fi
}

trap 'steps_report_failure $?' EXIT
