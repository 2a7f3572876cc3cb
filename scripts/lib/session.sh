# Helpers for scripts that run the app inside a private D-Bus session (scripts/e2e.sh,
# scripts/bench-app.sh). The caller defines `log` and `fail`, and sets SCRATCH (a folder
# removed at the end), KEYRING_PID and XVFB_PID as it starts those processes.

# Stops the Xvfb and the keyring this script started, then removes SCRATCH.
stop_inside() {
  local pid
  for pid in $XVFB_PID $KEYRING_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $XVFB_PID $KEYRING_PID; do
    wait "$pid" 2>/dev/null || true
  done
  [[ -z $SCRATCH ]] || rm -rf "$SCRATCH"
}

# A keyring of its own in SCRATCH, unlocked with the throwaway password $1 on first use;
# returns once it serves org.freedesktop.secrets on the session bus.
start_keyring() {
  mkdir -p "$SCRATCH/keyring"
  XDG_DATA_HOME=$SCRATCH/keyring gnome-keyring-daemon --foreground --unlock \
    --components=secrets <<<"$1" >"$SCRATCH/keyring.log" 2>&1 &
  KEYRING_PID=$!
  local tries=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
    grep -q 'boolean true'; do
    kill -0 "$KEYRING_PID" 2>/dev/null ||
      fail "gnome-keyring-daemon exited: $(cat "$SCRATCH/keyring.log")"
    ((++tries < 100)) || fail "gnome-keyring-daemon did not register on D-Bus within 10 s"
    sleep 0.1
  done
  log "keychain: gnome-keyring-daemon (pid $KEYRING_PID) unlocked"
}
