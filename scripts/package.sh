#!/usr/bin/env bash
# Builds the release .deb of the desktop app with the Tauri bundler and checks what is in it:
#
#   bash scripts/package.sh        -> target/release/bundle/deb/Orgdesk_<version>_<arch>.deb
#
# The release binary is built the one way every release script here builds it
# (`cargo build --release -p orgdesk-app --features custom-protocol`, which is what
# `tauri build` runs), so a build that bench-app.sh already made is reused; `tauri bundle`
# then only packs it. Install the result with `apt-get install ./<file>.deb`;
# scripts/test-package.sh installs it and runs a journey against the installed app.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

log() { printf '[package] %s\n' "$*"; }
fail() { printf '[package] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in cargo npm dpkg-deb readelf; do
  command -v "$tool" >/dev/null || fail "$tool is not installed: run scripts/setup.sh"
done

[[ -x ui/node_modules/.bin/tauri ]] || {
  log "installing the UI's dependencies (the Tauri CLI is one of them)"
  npm --prefix ui ci
}
# The UI is embedded in the binary, and a rebuilt ui/dist (new timestamps) makes cargo
# compile the app again: build it only when it is missing or older than its sources.
if [[ ! -f ui/dist/index.html ]] ||
  [[ -n $(find ui/src ui/public ui/index.html ui/package.json ui/package-lock.json \
    ui/vite.config.ts ui/svelte.config.js -newer ui/dist/index.html -print -quit) ]]; then
  log "building the UI (embedded in the binary)"
  npm --prefix ui run build
else
  log "ui/dist is newer than the UI's sources: not rebuilt"
fi
log "building the release app (a few minutes cold)"
cargo build --release --locked -p orgdesk-app --bin orgdesk --features custom-protocol

log "packing the .deb"
version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' tauri.conf.json)
[[ -n $version ]] || fail "no version in tauri.conf.json"
deb_dir=$CARGO_TARGET_DIR/release/bundle/deb
# The bundler packs (and patches in place) <target>/release/orgdesk: give it a copy in a
# target dir of its own, so a benchmark running the shared release binary is not touched.
stage=$CARGO_TARGET_DIR/package-stage
rm -rf "$stage" "$deb_dir"
mkdir -p "$stage/release" "$deb_dir"
cp "$CARGO_TARGET_DIR/release/orgdesk" "$stage/release/orgdesk"
# The CLI finds the app by its tauri.conf.json; src-tauri/ holds both that and Cargo.toml.
(cd src-tauri && CARGO_TARGET_DIR=$stage "$ROOT/ui/node_modules/.bin/tauri" bundle --bundles deb)
mv "$stage"/release/bundle/deb/*.deb "$deb_dir"/
shopt -s nullglob
debs=("$deb_dir"/Orgdesk_"$version"_*.deb)
((${#debs[@]} == 1)) || fail "expected one Orgdesk_${version}_*.deb in $deb_dir, found: ${debs[*]:-none}"
deb=${debs[0]}

# What a desktop needs from the package; a bundler change that drops any of it fails here.
control=$(dpkg-deb -f "$deb")
files=$(dpkg-deb -c "$deb")
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
desktop_file=$unpacked/usr/share/applications/Orgdesk.desktop
[[ -x $unpacked/usr/bin/orgdesk ]] || fail "the package has no usr/bin/orgdesk"
[[ -f $desktop_file ]] || fail "the package has no usr/share/applications/Orgdesk.desktop"
desktop=$(cat "$desktop_file")
grep -qx 'MimeType=\(.*;\)\?x-scheme-handler/orgdesk;' <<<"$desktop" ||
  fail "Orgdesk.desktop does not declare x-scheme-handler/orgdesk;"$'\n'"$desktop"
# Without %u the desktop starts the app without the link (the bundler's own template).
grep -qx 'Exec=orgdesk %u' <<<"$desktop" ||
  fail "Orgdesk.desktop does not pass the link to the app (Exec=orgdesk %u):"$'\n'"$desktop"
for size in 32x32 128x128 512x512; do
  [[ -f $unpacked/usr/share/icons/hicolor/$size/apps/orgdesk.png ]] ||
    fail "the package has no $size icon"
done
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libwebkit2gtk-4.1-0 libgtk-3-0 libayatana-appindicator3-1; do
  grep -qw -- "$needed" <<<"$depends" || fail "Depends lacks $needed: $depends"
done
twice=$(tr ',' '\n' <<<"$depends" | sed 's/[[:space:]]//g; s/(.*//' | sort | uniq -d)
[[ -z $twice ]] || fail "Depends names $twice twice: $depends"
# The bundler patches a byte in the packed copy (its bundle type); the build id stays.
build_id() { readelf -n "$1" | sed -n 's/.*Build ID: //p'; }
[[ $(build_id "$unpacked/usr/bin/orgdesk") == "$(build_id "$CARGO_TARGET_DIR/release/orgdesk")" ]] ||
  fail "usr/bin/orgdesk in the package is not the release build just made"

printf '%s\n' "$control" | sed 's/^/  /'
printf '%s\n' "$files" | awk '$1 !~ /^d/ {print "  " $3 "\t" $6}'
printf '%s\n' "$desktop" | sed 's/^/  /'
log "$deb ($(du -h "$deb" | cut -f1), $(stat -c %s "$deb") bytes)"
