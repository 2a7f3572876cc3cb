"""The launch timer of scripts/bench/app.py: an Xvfb display of its own, the X MapNotify of a
process's window, frames grabbed every ~10 ms up to the settled one, the white-flash check,
and PSS summed over a process tree. `measure` runs one launch and answers its figures.
"""

import os
import signal
import subprocess
import sys
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


# BENCH_APP_FRAMES=1: every distinct frame of a run is kept beside its settled one (PNG
# named by its time since exec), to see what the page drew on the way.
KEEP_FRAMES = os.environ.get("BENCH_APP_FRAMES") == "1"
# A tour by links: the time given each link (the second process hands it to the running app
# and exits; the page then opens), and the settling after the last one.
LINK_INTERVAL_S = 0.6
AFTER_LINKS_S = 5.0


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


def measure(binary, env, display_name, logfile, shot=None, links=()):
    """Launches `binary` and answers the run's figures (milliseconds, KiB). With `links`,
    once idle it is launched again with each of them in turn (as the desktop opens an
    `orgdesk://` link in the running app), and the PSS is taken again after the last."""
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
        kept = []  # (ms since exec, whole frame) with BENCH_APP_FRAMES=1
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
                if shot and KEEP_FRAMES:
                    kept.append((at_ms, data))
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
            for at_ms, whole in kept:
                save_png(whole, w, h, shot.replace(".png", f"-at-{round(at_ms)}ms.png"))
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
        if links:
            tour(binary, env, logfile, links)
            total, by_name = pss_kib(process_tree(process.pid))
            result["links"] = len(links)
            result["pss_after_links_kib"] = total
            result["pss_after_links_by_process_kib"] = by_name
            if shot:
                data = root.get_image(x, y, w, h, X.ZPixmap, 0xFFFFFFFF).data
                save_png(data, w, h, shot.replace(".png", "-after-links.png"))
    finally:
        pids = process_tree(process.pid)
        stop_tree(process, pids)
        watcher.done.set()
        grabber.close()
    return result


def tour(binary, env, logfile, links):
    """Opens each link in the running app by launching `binary` with it; then lets it settle."""
    with open(logfile, "ab") as out:
        for link in links:
            subprocess.run([binary, link], env=env, stdout=out, stderr=out, timeout=30, check=False)
            time.sleep(LINK_INTERVAL_S)
    time.sleep(AFTER_LINKS_S)
