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
          background (the white-flash check), and for how long;
  tour    (scenario `tour`) the PSS again after opening every page of every demo org by an
          `orgdesk://` link, as the desktop hands links to the running app: no WebDriver, so
          WebKit renders as it does for users (compositing off on this machine).

    app.py launches --orgdesk BIN --hello BIN --runs 7 --out launches.json \
        [--relaunch-profile DIR] [--scenarios warm,first,relaunch]
    app.py table --launches launches.json [more.json…] [--inapp inapp.json]

Scenarios, alternated Orgdesk / hello A B A B: `warm` (data, config and cache folders kept
from an unmeasured first run: the sign-in screen for Orgdesk), `first` (empty data and empty
XDG_CACHE_HOME: shaders compile), `relaunch` (Orgdesk with a fresh copy of a signed-in
profile and the warm cache; the hello-world's warm launch as its yardstick), `tour` (the
relaunch, then TOUR_LINKS; at most 3 runs, each takes a minute).
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time

from launch_timer import Xvfb, log, measure

# The demo account's orgs (crates/server/src/demo) and the pages of an org's sidebar
# (crates/model/src/navigation.rs; one a role may not open shows the org's overview).
DEMO_ORGS = (
    "northwind-studio",
    "cafe-zurich",
    "harbor-pine-legal",
    "brightline-fitness",
    "kestrel-robotics",
    "alder-finch",
    "solstice-health",
)
ORG_PAGES = ("", "projects", "members", "billing", "settings/general", "settings/api-keys",
             "settings/audit-log")
TOUR_LINKS = tuple(f"orgdesk://org/{org}/{page}" for org in DEMO_ORGS for page in ORG_PAGES)
TOUR_RUNS = 3

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
            if scenario == "tour" and not args.relaunch_profile:
                log("no --relaunch-profile: skipping the tour scenario")
                continue
            runs = {name: [] for name in apps}
            count = min(args.runs, TOUR_RUNS) if scenario == "tour" else args.runs
            for index in range(count):
                for name, binary in apps.items():
                    env, profile = scenario_env(scenario, name, warm, scratch, index, args, xvfb)
                    logfile = os.path.join(logs, f"{name}-{scenario}-{index}.log")
                    shot = os.path.join(logs, f"{name}-{scenario}-{index}.png") if index == 0 else None
                    links = TOUR_LINKS if scenario == "tour" and name == "orgdesk" else ()
                    run = measure(binary, env, xvfb.name, logfile, shot, links)
                    runs[name].append(run)
                    after = run.get("pss_after_links_kib")
                    log(
                        f"{scenario} #{index + 1} {name}: mapped {run['mapped_ms']:.0f} ms, "
                        f"paint {run['paint_ms']:.0f} ms, PSS {run['pss_kib'] / 1024:.0f} MiB, "
                        f"flash {run['flash_ms']} ms"
                        + (f", PSS after {run['links']} links {after / 1024:.0f} MiB" if after else "")
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
    if scenario == "warm" or (scenario in ("relaunch", "tour") and name == "hello"):
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
    tour_runs = data["scenarios"].get("tour")
    if tour_runs:
        a = [r["pss_after_links_kib"] * mib for r in tour_runs["orgdesk"]]
        b = [r["pss_kib"] * mib for r in tour_runs["hello"]]
        ratio = statistics.median(a) / statistics.median(b)
        rows.append(
            (
                f"PSS after a tour of {tour_runs['orgdesk'][0]['links']} links (every org × page)",
                f"{statistics.median(a):,.0f} MiB (max {max(a):,.0f}, n={len(a)})",
                f"{statistics.median(b):,.0f} MiB (idle)",
                f"{ratio:.2f}",
                "≤ 1.5",
                "met" if ratio <= 1.5 else "NOT met",
            )
        )
    if inapp:
        tour, hello_idle = inapp.get("pss_after_tour_kib"), data["scenarios"].get("warm")
        if tour and hello_idle:
            b = statistics.median(r["pss_kib"] for r in hello_idle["hello"])
            ratio = tour / b
            rows.append(
                (
                    f"PSS after sign-in + every page + {inapp.get('tour_switches', 50)} switches "
                    "(WebDriver, compositing on: for reference)",
                    f"{tour * mib:,.0f} MiB",
                    f"{b * mib:,.0f} MiB (idle)",
                    f"{ratio:.2f}",
                    "—",
                    "—",
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
    run.add_argument("--scenarios", default="warm,first,relaunch,tour")
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
