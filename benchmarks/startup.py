"""Start-up speed of the Kindred window (issue 7): how long from process start until the person
sees something, and until they see their recommendations.

``python benchmarks/startup.py [--runs 5] [--json]`` launches ``python -m desktop`` under
``xvfb-run -a -s "-screen 0 1280x800x24"`` ``--runs`` times per scenario and reads the
milestones the launcher logs (each log line carries a millisecond wall-clock time):

* **first paint**: the "Loading Kindred…" page finished loading in the window
  ("window loaded the start-up page", Qt's ``loadFinished``);
* **server answering**: engine and Flask imported, community opened, model fitted;
* **first app page**: the first ``http://127.0.0.1:PORT/...`` page loaded in the window;
* **first recommendations**: the server-rendered ``/recommendations`` page loaded.

Each is counted from the ``python`` process's own start (``/proc/PID/stat`` start time, 10 ms
resolution), not from ``xvfb-run``'s, so Xvfb's start-up is excluded. The scenarios are:
``fresh`` (an empty data directory: the welcome page), ``demo`` (five ratings of demo titles,
so the window opens on /recommendations) and ``community-1m`` (a synthetic 1M-rating community
from ``make_synthetic.py``, imported once through ``Workspace.import_community``, made current,
five of its items rated). Every launch is stopped with SIGTERM and waited for; its process
group must be empty afterwards.

It also reports ``python -X importtime`` for the imports on the critical path and, when
``dist/Kindred/Kindred`` exists, the same launches of the built app. The results go between
``<!-- startup:start -->`` and ``<!-- startup:end -->`` in ``benchmarks/RESULTS.md``
(``--no-write`` to leave it alone).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from _startup_launch import MILESTONES
from _startup_launch import launch_once
from _startup_report import merge_section
from _startup_report import render_section

if TYPE_CHECKING:
    from recommender.workspace import Workspace

logger = logging.getLogger("startup")

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_FILE = REPO_ROOT / "benchmarks" / "RESULTS.md"
BUILT_APP = REPO_ROOT / "dist" / "Kindred" / "Kindred"
SYNTHETIC_CACHE = REPO_ROOT / "benchmarks" / "out" / "startup" / "1m" / "ratings.csv"
COMMUNITY_NAME = "synthetic-1m"
SCENARIOS = ("fresh", "demo", "community-1m")
PERSONAL_RATINGS = 5
# What the window's two threads import: the main thread pywebview's Qt backend, the helper
# thread the engine and the Flask app (see desktop/launcher.run_window).
IMPORT_GROUPS = {
    "launcher (main thread, before the window)": "import desktop.launcher, desktop.window",
    "window: pywebview's Qt backend (main thread)": "import webview, webview.platforms.qt",
    "engine and web app (helper thread)": "import recommender.workspace, ui",
}
TOP_IMPORTS = 8


@dataclass(frozen=True)
class Scenario:
    """One kind of launch: the data directory it starts on and the page it should end on."""

    name: str
    label: str
    data_dir: Path
    final_milestone: str


def prepare_scenarios(root: Path, names: list[str]) -> list[Scenario]:
    """Make each scenario's data directory (ratings, community, window size) beforehand."""
    from recommender.workspace import Workspace

    scenarios = []
    for name in names:
        data_dir = root / name
        with Workspace(data_dir) as workspace:
            if name == "community-1m":
                import_synthetic_community(workspace)
            if name != "fresh":
                rate_popular_items(workspace)
        (data_dir / "window.json").write_text(
            json.dumps({"width": 1280, "height": 800, "x": 0, "y": 0}), encoding="utf-8"
        )
        label = {
            "fresh": "demo, no ratings (welcome page)",
            "demo": "demo, 5 ratings",
            "community-1m": "1M community (stored), 5 ratings",
        }[name]
        final = "first_app_page" if name == "fresh" else "first_recommendations"
        scenarios.append(Scenario(name, label, data_dir, final))
    return scenarios


def import_synthetic_community(workspace: Workspace) -> None:
    """Store the synthetic 1M-rating community and make it current (generated once, cached
    in ``benchmarks/out/startup``)."""
    if not SYNTHETIC_CACHE.exists():
        # Generated beside the cache and renamed into place, so an interrupted run leaves no
        # half-written file to be taken for the real one.
        partial = SYNTHETIC_CACHE.parent.with_name("1m.partial")
        shutil.rmtree(partial, ignore_errors=True)
        logger.info("generating the 1M-rating community in %s", SYNTHETIC_CACHE.parent)
        subprocess.run(
            [
                *(sys.executable, str(REPO_ROOT / "benchmarks" / "make_synthetic.py")),
                *("--size", "1m", "--out", str(partial / SYNTHETIC_CACHE.name)),
            ],
            stdout=subprocess.DEVNULL,  # it prints the file's path; --json keeps stdout for JSON
            check=True,
        )
        partial.rename(SYNTHETIC_CACHE.parent)
    started = time.perf_counter()
    workspace.import_community(SYNTHETIC_CACHE, name=COMMUNITY_NAME)
    workspace.use_community(COMMUNITY_NAME)
    logger.info("1M community imported in %.1f s", time.perf_counter() - started)


def rate_popular_items(workspace: Workspace) -> None:
    """Rate the five most-rated items of the current community 5 stars."""
    popular = workspace.statistics.sort_values("count", ascending=False).index[:PERSONAL_RATINGS]
    for item in popular:
        workspace.rate(str(item), 5.0)


def measure(scenarios: list[Scenario], command: list[str], runs: int, work: Path) -> list[dict]:
    """Launch each scenario ``runs`` times (interleaved, so load changes hit all alike)."""
    launches: list[dict] = []
    for run in range(runs):
        for scenario in scenarios:
            load = os.getloadavg()[0]
            result = launch_once(
                command,
                scenario.data_dir,
                work / f"{scenario.name}-{run}",
                until=scenario.final_milestone,
            )
            result.update(scenario=scenario.name, run=run, load_1min=round(load, 2))
            logger.info(
                "%s run %d: %s", scenario.name, run, json.dumps(result.get("milestones_s", {}))
            )
            launches.append(result)
    return launches


def summarise(scenarios: list[Scenario], launches: list[dict]) -> list[dict]:
    """Median and max per scenario and milestone, over the launches that reached it."""
    summary = []
    for scenario in scenarios:
        mine = [launch for launch in launches if launch["scenario"] == scenario.name]
        figures = {}
        for milestone in MILESTONES:
            values = [launch["milestones_s"][milestone] for launch in mine]
            values = [value for value in values if value is not None]
            if values:
                figures[milestone] = {
                    "median": round(statistics.median(values), 3),
                    "max": round(max(values), 3),
                    "n": len(values),
                }
        summary.append(
            {
                "scenario": scenario.name,
                "label": scenario.label,
                "runs": len(mine),
                "failed_runs": [launch["problem"] for launch in mine if launch.get("problem")],
                "figures": figures,
                "load_1min": [launch["load_1min"] for launch in mine],
            }
        )
    return summary


def import_times(python: str, repeats: int = 3) -> list[dict]:
    """``python -X importtime`` per import group, median of ``repeats`` fresh processes: the
    group's total (its outermost imports, minus what a bare interpreter imports anyway) and
    its heaviest packages (cumulative, so a package includes what it was first to import)."""
    baseline = set(parse_importtime(importtime_output(python, "pass")))
    groups = []
    for label, statement in IMPORT_GROUPS.items():
        outputs = [importtime_output(python, statement) for _ in range(repeats)]
        samples = [parse_importtime(output) for output in outputs]
        names = set.intersection(*(set(sample) for sample in samples)) - baseline
        seconds = {name: statistics.median(s[name][1] for s in samples) for name in names}
        outermost = [name for name in names if samples[0][name][0] == 0]
        candidates = {name for name in names if "." not in name} | set(outermost)
        packages = sorted(candidates, key=seconds.get, reverse=True)
        nested = [name for name in packages if name not in outermost]
        groups.append(
            {
                "group": label,
                "statement": statement,
                "total_s": round(sum(seconds[name] for name in outermost), 3),
                "heaviest": [[name, round(seconds[name], 3)] for name in packages[:TOP_IMPORTS]],
                "heaviest_chain": import_chain(outputs[0], nested[0]) if nested else [],
            }
        )
    return groups


def import_chain(stderr: str, name: str) -> list[str]:
    """Who imported ``name`` first: the modules from the outermost import down to it.

    ``-X importtime`` prints a module when its import finishes, so a module's parent is the
    next line one level up."""
    entries = importtime_lines(stderr)
    heaviest = max(
        (i for i, (module, _, _) in enumerate(entries) if module == name),
        key=lambda i: entries[i][2],
        default=None,
    )
    if heaviest is None:
        return []
    chain, level = [name], entries[heaviest][1]
    for module, parent_level, _ in entries[heaviest + 1 :]:
        if parent_level == level - 1:
            chain.append(module)
            level = parent_level
    return chain[::-1]


def importtime_output(python: str, statement: str) -> str:
    environment = {**os.environ, "QT_API": "pyside6", "PYTHONPATH": str(REPO_ROOT)}
    completed = subprocess.run(
        [python, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
        check=True,
    )
    return completed.stderr


def importtime_lines(stderr: str) -> list[tuple[str, int, float]]:
    """``(module, nesting level, cumulative seconds)`` for each ``-X importtime`` line
    ``import time: self [us] | cumulative | <2 spaces per level>name``, in printed order."""
    lines = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, _, fields = line.partition(":")
        _, total, indented_name = fields.split("|")
        level = (len(indented_name) - len(indented_name.lstrip(" ")) - 1) // 2
        lines.append((indented_name.strip(), level, int(total) / 1e6))
    return lines


def parse_importtime(stderr: str) -> dict[str, tuple[int, float]]:
    """Module → (nesting level, cumulative seconds). A module listed twice (found again in
    ``sys.modules``, at almost no cost) keeps its real, largest import."""
    modules: dict[str, tuple[int, float]] = {}
    for name, level, seconds in importtime_lines(stderr):
        if name not in modules or seconds > modules[name][1]:
            modules[name] = (level, seconds)
    return modules


def machine_notes(load_before: tuple[float, ...], commit_before: str) -> dict:
    """Where and when: cores, CPU, Python, the commit at the start and at the end (others
    commit to the same tree while this runs), load averages before and after."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "commit": commit_before,
        "commit_after": current_commit(),
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in os.getloadavg()],
    }


def current_commit() -> str:
    """``git describe --always --dirty`` of the working tree the launches run from."""
    described = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    ).stdout.strip()
    return described or "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="launches per scenario (default 5)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated subset of {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="file to update")
    parser.add_argument("--no-write", action="store_true", help="do not update the results file")
    parser.add_argument("--no-importtime", action="store_true", help="skip -X importtime")
    parser.add_argument(
        "--built-app", type=Path, default=BUILT_APP, help="the packaged app, measured if present"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Prepare, launch, summarise, write the section; returns the exit status."""
    args = build_parser().parse_args(argv)
    names = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown or not names or args.runs < 1:
        print(
            f"startup.py: choose scenarios among {', '.join(SCENARIOS)} and --runs >= 1 "
            f"(got {args.scenarios!r}, {args.runs}).",
            file=sys.stderr,
        )
        return 2
    if shutil.which("xvfb-run") is None:
        print("startup.py: xvfb-run is not installed (apt-get install xvfb).", file=sys.stderr)
        return 2

    load_before, commit_before = os.getloadavg(), current_commit()
    with tempfile.TemporaryDirectory(prefix="kindred-startup-") as temporary:
        work = Path(temporary)
        scenarios = prepare_scenarios(work / "data", names)
        source = measure(scenarios, [sys.executable, "-m", "desktop"], args.runs, work / "src")
        results: dict = {"runs": args.runs, "source": summarise(scenarios, source)}
        results["launches"] = {"source": source}
        if args.built_app.exists():
            built = measure(scenarios, [str(args.built_app)], args.runs, work / "built")
            results["built"] = summarise(scenarios, built)
            results["launches"]["built"] = built
    if not args.no_importtime:
        results["importtime"] = import_times(sys.executable)
    results["machine"] = machine_notes(load_before, commit_before)

    section = render_section(results)
    if not args.no_write:
        merge_section(args.results, section)
        logger.info("updated %s", args.results)
    print(json.dumps(results, indent=2) if args.json else section)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sys.exit(main())
