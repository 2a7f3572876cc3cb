#!/usr/bin/python3
"""Launch timings and memory of Orgdesk against the Tauri hello-world, measured from outside.

Run by scripts/bench-app.sh (inside a private D-Bus session with an unlocked keychain); the
system python3 with python3-xlib and python3-numpy (apt). Per run, on an Xvfb display of its
own, it launches a binary with a fresh HOME/XDG profile and records:

  mapped  exec -> X MapNotify of the process's top-level window (SubstructureNotify on the
          root, read on a connection of its own so the frame grabs cannot delay it);
  paint   exec -> first meaningful paint: the window is grabbed every ~10 ms; once it has not
          changed for SETTLE_S, is not blank (one colour) and MIN_OBSERVE_S have passed, the last frame is the settled
          one, and the paint is the first frame that matches it within TOLERANCE (same rule
          for both apps);
  pss     PSS summed over the process tree (the app and its WebKit children), idle after the
          paint, from /proc/<pid>/smaps_rollup;
  flash   whether a frame between map and paint was mostly lighter than the settled frame's
          background (the white-flash check), and for how long.

    app.py launches --orgdesk BIN --hello BIN --runs 7 --out launches.json \
        [--relaunch-profile DIR] [--scenarios warm,first,relaunch]
    app.py table --launches launches.json [more.json…] [--inapp inapp.json]

Scenarios, alternated Orgdesk / hello A B A B: `warm` (data, config and cache folders kept
from an unmeasured first run: the sign-in screen for Orgdesk), `first` (empty data and empty
XDG_CACHE_HOME: shaders compile), `relaunch` (Orgdesk with a fresh copy of a signed-in
profile and the warm cache; the hello-world's warm launch as its yardstick).
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
from Xlib import X, display as xdisplay

DISPLAY_NUMBERS = range(72, 80)
SCREEN = (1280, 800)
FRAME_INTERVAL_S = 0.010
SETTLE_S = 2.0
# Watch at least this long after exec: a splash that stays a few seconds is not the paint.
MIN_OBSERVE_S = 8.0
RUN_TIMEOUT_S = 40.0
# Frames "match" when at most this share of sampled pixels differ by more than PIXEL_DELTA in
# some channel (a text caret blinking stays below it; a page that is still loading does not).
TOLERANCE = 0.0005
PIXEL_DELTA = 24
# A sample of the window's pixels: every STRIDE-th pixel (coprime with the row width, so the
# sample covers every column).
STRIDE = 7
# A frame whose dominant colour covers all but this share of it is blank, whatever its colour.
BLANK_SHARE = 0.002
# A frame "flashes" when more than half its sampled pixels are this much lighter than the
# settled frame's background.
FLASH_DELTA = 24


def log(message):
    print(f"[bench-app] {message}", file=sys.stderr, flush=True)


# --- display ------------------------------------------------------------------------------


class Xvfb:
    """An Xvfb of our own on the first free display of :72..:79 (`-noreset`: a server that
    resets when its last client leaves refuses the next run's first connection)."""

    def __init__(self):
        self.process = None
        for number in DISPLAY_NUMBERS:
            if os.path.exists(f"/tmp/.X{number}-lock") or os.path.exists(f"/tmp/.X11-unix/X{number}"):
                continue
            width, height = SCREEN
            process = subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(100):
                if process.poll() is not None:
                    break
                try:
                    xdisplay.Display(f":{number}").close()
                    self.process, self.name = process, f":{number}"
                    log(f"display: Xvfb {self.name} (pid {process.pid})")
                    return
                except Exception:
                    time.sleep(0.1)
            process.terminate()
            process.wait()
        raise SystemExit("no free X display among :72..:79")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait()


# --- processes ----------------------------------------------------------------------------


def children_map():
    """ppid -> [pid] for every process."""
    tree = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def process_tree(root):
    tree, pids, todo = children_map(), [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(tree.get(pid, []))
    return pids


def pss_kib(pids):
    """PSS of `pids` in KiB, and per executable name."""
    total, by_name = 0, {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                kib = next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
        except (OSError, StopIteration):
            continue
        total += kib
        by_name[name] = by_name.get(name, 0) + kib
    return total, by_name


def stop_tree(process, pids):
    """SIGTERM to the app, then to whatever of its tree is left; SIGKILL after 10 s."""
    for pid in [process.pid] + [p for p in pids if p != process.pid]:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        process.poll()
        if not any(os.path.exists(f"/proc/{p}") and not is_zombie(p) for p in pids):
            return
        time.sleep(0.05)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# --- one run ------------------------------------------------------------------------------


class MapWatcher(threading.Thread):
    """Records when the first top-level window of `pid` is mapped (monotonic seconds)."""

    def __init__(self, name):
        super().__init__(daemon=True)
        self.dpy = xdisplay.Display(name)
        self.dpy.screen().root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.dpy.sync()
        self.pid = None
        self.mapped = None  # (monotonic, window id)
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            event = self.dpy.next_event()
            now = time.monotonic()
            if event.type != X.MapNotify or self.mapped or event.override:
                continue
            try:
                geometry = event.window.get_geometry()
            except Exception:
                continue
            if geometry.width < 300 or geometry.height < 200:
                continue
            self.mapped = (now, event.window.id)
            self.done.set()
        self.dpy.close()


def window_rect(dpy, window_id):
    window = dpy.create_resource_object("window", window_id)
    geometry = window.get_geometry()
    origin = window.translate_coords(dpy.screen().root, 0, 0)
    return -origin.x, -origin.y, geometry.width, geometry.height


def sample(data):
    """Every STRIDE-th pixel of a BGRX frame as an (n, 3) int16 array."""
    pixels = np.frombuffer(data, dtype=np.uint8).reshape(-1, 4)[::STRIDE, :3]
    return pixels.astype(np.int16)


def differs(a, b):
    changed = np.count_nonzero(np.abs(a - b).max(axis=1) > PIXEL_DELTA)
    return changed > TOLERANCE * len(a)


def blank(pixels):
    """One colour all over (an empty window, before the page paints): not a paint."""
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    return counts.max() > (1 - BLANK_SHARE) * len(pixels)


def luminance(pixels):
    return 0.114 * pixels[:, 0] + 0.587 * pixels[:, 1] + 0.299 * pixels[:, 2]


def save_png(data, width, height, path):
    """Writes a BGRX frame as a PNG (ImageMagick), to check what was measured."""
    subprocess.run(
        ["convert", "-size", f"{width}x{height}", "-depth", "8", "bgra:-", "-alpha", "off", path],
        input=data,
        check=True,
    )


def measure(binary, env, display_name, logfile, shot=None):
    """Launches `binary` and answers the run's figures (milliseconds, KiB)."""
    watcher = MapWatcher(display_name)
    watcher.start()
    grabber = xdisplay.Display(display_name)
    with open(logfile, "ab") as out:
        started = time.monotonic()
        process = subprocess.Popen([binary], env=env, stdout=out, stderr=out)
    watcher.pid = process.pid
    result = {"pid": process.pid}
    try:
        if not watcher.done.wait(RUN_TIMEOUT_S):
            raise RuntimeError(f"no window mapped within {RUN_TIMEOUT_S} s (see {logfile})")
        mapped_at, window_id = watcher.mapped
        result["mapped_ms"] = (mapped_at - started) * 1000
        x, y, w, h = window_rect(grabber, window_id)
        root = grabber.screen().root
        frames = []  # (ms since exec, sample), consecutive duplicates dropped
        last_change = first_grab = time.monotonic()
        grabs = 0
        while True:
            grabs += 1
            before = time.monotonic()
            data = root.get_image(x, y, w, h, X.ZPixmap, 0xFFFFFFFF).data
            after = time.monotonic()
            pixels = sample(data)
            at_ms = ((before + after) / 2 - started) * 1000
            if not frames or differs(pixels, frames[-1][1]):
                frames.append((at_ms, pixels))
                last_change = after
            elif (
                after - last_change >= SETTLE_S
                and after - started >= MIN_OBSERVE_S
                and not blank(pixels)
            ):
                break
            if after - started > RUN_TIMEOUT_S:
                raise RuntimeError(f"the window never settled within {RUN_TIMEOUT_S} s")
            time.sleep(max(0.0, FRAME_INTERVAL_S - (time.monotonic() - before)))
        if shot:
            save_png(data, w, h, shot)
        settled = frames[-1][1]
        paint = next(at for at, pixels in frames if not differs(pixels, settled))
        result["paint_ms"] = paint
        result["frames"] = len(frames)
        result["frame_times_ms"] = [round(at) for at, _ in frames]
        # The background: the settled frame's most common colour.
        colours, counts = np.unique(settled, axis=0, return_counts=True)
        background = luminance(colours[counts.argmax()][None, :])[0]
        # A frame lasts until the next different one.
        flashes = [
            frames[i + 1][0] - at
            for i, (at, pixels) in enumerate(frames[:-1])
            if at < paint and np.mean(luminance(pixels) > background + FLASH_DELTA) > 0.5
        ]
        result["background_luminance"] = round(float(background), 1)
        result["flash_frames"] = len(flashes)
        result["flash_ms"] = round(sum(flashes), 1)
        result["grab_interval_ms"] = round((after - first_grab) * 1000 / grabs, 1)
        time.sleep(1.0)
        pids = process_tree(process.pid)
        total, by_name = pss_kib(pids)
        result["pss_kib"] = total
        result["pss_by_process_kib"] = by_name
        result["processes"] = len(pids)
    finally:
        pids = process_tree(process.pid)
        stop_tree(process, pids)
        watcher.done.set()
        grabber.close()
    return result


# --- profiles -----------------------------------------------------------------------------


def profile_env(profile, display_name, cache):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ORGDESK_", "XDG_DATA_", "XDG_CONFIG_", "XDG_CACHE_"))
    }
    env.update(
        HOME=os.path.join(profile, "home"),
        XDG_DATA_HOME=os.path.join(profile, "data"),
        XDG_CONFIG_HOME=os.path.join(profile, "config"),
        XDG_CACHE_HOME=cache,
        DISPLAY=display_name,
        GDK_BACKEND="x11",
        NO_AT_BRIDGE="1",
    )
    env.pop("WAYLAND_DISPLAY", None)
    for sub in ("home", "data", "config"):
        os.makedirs(os.path.join(profile, sub), exist_ok=True)
    os.makedirs(cache, exist_ok=True)
    return env


def launches(args):
    scratch = tempfile.mkdtemp(prefix="orgdesk-bench-app.")
    logs = os.path.join(args.logs or scratch, "logs")
    if not args.logs:
        log(f"the apps' logs go to {logs} and are deleted at the end (--logs keeps them)")
    os.makedirs(logs, exist_ok=True)
    xvfb = Xvfb()
    apps = {"orgdesk": args.orgdesk, "hello": args.hello}
    results = {"runs": args.runs, "scenarios": {}, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    try:
        # Warm profiles: one unmeasured run each fills the shader cache and the data folder.
        warm = {}
        for name, binary in apps.items():
            warm[name] = os.path.join(scratch, f"warm-{name}")
            env = profile_env(warm[name], xvfb.name, os.path.join(warm[name], "cache"))
            log(f"warming {name}")
            measure(binary, env, xvfb.name, os.path.join(logs, f"{name}-warmup.log"))
        for scenario in args.scenarios.split(","):
            if scenario == "relaunch" and not args.relaunch_profile:
                log("no --relaunch-profile: skipping the relaunch scenario")
                continue
            runs = {name: [] for name in apps}
            for index in range(args.runs):
                for name, binary in apps.items():
                    env, profile = scenario_env(scenario, name, warm, scratch, index, args, xvfb)
                    logfile = os.path.join(logs, f"{name}-{scenario}-{index}.log")
                    shot = os.path.join(logs, f"{name}-{scenario}-{index}.png") if index == 0 else None
                    run = measure(binary, env, xvfb.name, logfile, shot)
                    runs[name].append(run)
                    log(
                        f"{scenario} #{index + 1} {name}: mapped {run['mapped_ms']:.0f} ms, "
                        f"paint {run['paint_ms']:.0f} ms, PSS {run['pss_kib'] / 1024:.0f} MiB, "
                        f"flash {run['flash_ms']} ms"
                    )
                    if profile:
                        shutil.rmtree(profile, ignore_errors=True)
            results["scenarios"][scenario] = runs
    finally:
        xvfb.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    log(f"wrote {args.out}")


def scenario_env(scenario, name, warm, scratch, index, args, xvfb):
    """The environment of one run and the throwaway profile to delete after it (or None)."""
    if scenario == "warm" or (scenario == "relaunch" and name == "hello"):
        return profile_env(warm[name], xvfb.name, os.path.join(warm[name], "cache")), None
    profile = os.path.join(scratch, f"{scenario}-{name}-{index}")
    if scenario == "first":
        return profile_env(profile, xvfb.name, os.path.join(profile, "cache")), profile
    # relaunch: a fresh copy of the signed-in profile's data and config, the warm cache.
    for sub in ("data", "config"):
        source = os.path.join(args.relaunch_profile, sub)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(profile, sub))
    return profile_env(profile, xvfb.name, os.path.join(warm[name], "cache")), profile


# --- the table ----------------------------------------------------------------------------


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def initial_gzip_bytes(dist):
    """gzip -9 bytes of index.html and the scripts and stylesheets it loads at start."""
    with open(os.path.join(dist, "index.html"), "rb") as f:
        html = f.read()
    total = len(gzip.compress(html, 9))
    for ref in re.findall(rb'(?:src|href)="/?([^"]+\.(?:js|css))"', html):
        with open(os.path.join(dist, ref.decode()), "rb") as f:
            total += len(gzip.compress(f.read(), 9))
    return total


def table(args):
    data = {"scenarios": {}}
    for path in args.launches:
        with open(path) as f:
            part = json.load(f)
        data["scenarios"].update(part.pop("scenarios"))
        data = {**part, **data}
    inapp = {}
    if args.inapp and os.path.exists(args.inapp):
        with open(args.inapp) as f:
            inapp = json.load(f)
    rows = []

    def launch_row(label, scenario, key, target, scale=1.0, unit="ms"):
        runs = data["scenarios"].get(scenario)
        if not runs:
            return
        a = [r[key] * scale for r in runs["orgdesk"]]
        b = [r[key] * scale for r in runs["hello"]]
        ratio = statistics.median(a) / statistics.median(b)
        met = "—" if target is None else ("met" if ratio <= target else "NOT met")
        rows.append(
            (
                label,
                f"{statistics.median(a):,.0f} {unit} (p95 {percentile(a, 95):,.0f})",
                f"{statistics.median(b):,.0f} {unit} (p95 {percentile(b, 95):,.0f})",
                f"{ratio:.2f}",
                "—" if target is None else f"≤ {target}",
                met,
            )
        )

    mib = 1 / 1024
    launch_row("window mapped (warm)", "warm", "mapped_ms", None)
    launch_row("sign-in screen painted (warm shader cache)", "warm", "paint_ms", 1.2)
    launch_row("signed-in overview painted on relaunch", "relaunch", "paint_ms", 1.3)
    launch_row("true first launch painted (empty caches)", "first", "paint_ms", 1.5)
    launch_row("PSS idle, first screen", "warm", "pss_kib", 1.2, mib, "MiB")
    first = data["scenarios"].get("first")
    if first:
        flashes = [r for r in first["orgdesk"] if r["flash_frames"]]
        hello_flashes = [r for r in first["hello"] if r["flash_frames"]]
        rows.append(
            (
                "white flash on first launch (runs with a lighter frame)",
                f"{len(flashes)}/{len(first['orgdesk'])}"
                + (f" (up to {max(r['flash_ms'] for r in flashes):.0f} ms)" if flashes else ""),
                f"{len(hello_flashes)}/{len(first['hello'])}",
                "",
                "none",
                "met" if not flashes else "NOT met",
            )
        )
    if inapp:
        tour, hello_idle = inapp.get("pss_after_tour_kib"), data["scenarios"].get("warm")
        if tour and hello_idle:
            b = statistics.median(r["pss_kib"] for r in hello_idle["hello"])
            ratio = tour / b
            rows.append(
                (
                    f"PSS after sign-in + every page + {inapp.get('tour_switches', 50)} switches",
                    f"{tour * mib:,.0f} MiB",
                    f"{b * mib:,.0f} MiB (idle)",
                    f"{ratio:.2f}",
                    "≤ 1.5",
                    "met" if ratio <= 1.5 else "NOT met",
                )
            )
        cached = inapp.get("cached_switch_ms")
        if cached:
            p95 = percentile(cached, 95)
            rows.append(
                (
                    "cached context switch, keydown → name and figures painted",
                    f"p50 {percentile(cached, 50):.1f}, p95 {p95:.1f} ms (n={len(cached)})",
                    "",
                    "",
                    "p95 ≤ 40 ms",
                    "met" if p95 <= 40 else "NOT met",
                )
            )
        unvisited = inapp.get("first_switch_ms")
        if unvisited:
            worst = max(unvisited)
            rows.append(
                (
                    "first switch to an unvisited org",
                    f"median {statistics.median(unvisited):.1f}, max {worst:.1f} ms "
                    f"(n={len(unvisited)})",
                    "",
                    "",
                    "≤ 100 ms",
                    "met" if statistics.median(unvisited) <= 100 else "NOT met",
                )
            )
    if args.dist and args.hello_dist:
        a, b = initial_gzip_bytes(args.dist), initial_gzip_bytes(args.hello_dist)
        rows.append(
            (
                "initial HTML+JS+CSS, gzip -9",
                f"{a / 1000:.1f} KB",
                f"{b / 1000:.1f} KB",
                f"{a / b:.0f}",
                "≤ 120 KB",
                "met" if a <= 120_000 else "NOT met",
            )
        )
    header = ("figure", "Orgdesk", "hello-world", "ratio", "target", "")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    print(f"Runs per app and scenario: {data['runs']} (alternated A B A B), {data['started']}")
    for row in [header] + rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def main():
    # SIGTERM ends a run like Ctrl+C: the apps started so far are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("launches", help="measure launches A B A B")
    run.add_argument("--orgdesk", required=True)
    run.add_argument("--hello", required=True)
    run.add_argument("--runs", type=int, default=7)
    run.add_argument("--scenarios", default="warm,first,relaunch")
    run.add_argument("--relaunch-profile", help="a signed-in profile (data/, config/) to copy per run")
    run.add_argument("--logs", help="keep the apps' logs under this folder")
    run.add_argument("--out", required=True)
    show = commands.add_parser("table", help="print the table")
    show.add_argument("--launches", required=True, nargs="+")
    show.add_argument("--inapp")
    show.add_argument("--dist", help="Orgdesk's built UI (ui/dist)")
    show.add_argument("--hello-dist", help="the hello-world's page (bench/hello/dist)")
    args = parser.parse_args()
    launches(args) if args.command == "launches" else table(args)


if __name__ == "__main__":
    main()
