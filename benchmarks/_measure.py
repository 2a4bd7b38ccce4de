"""Small, honest measuring helpers shared by the scale benchmark's tasks and its runner.

* Peak memory is the process's own high-water mark (``ru_maxrss``), so every measured step runs
  in a fresh subprocess (:func:`run_task`) and the number is not polluted by earlier steps.
* Times are wall-clock ``time.perf_counter`` seconds; percentiles are numpy's linear ones.
* The machine description (cores, RAM, CPU model, load) goes beside every table, because the
  numbers mean little without it.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

BENCHMARKS_DIR = Path(__file__).resolve().parent
TASKS_SCRIPT = BENCHMARKS_DIR / "_scale_tasks.py"
RESULT_PREFIX = "RESULT "
MB = 1024 * 1024


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    """This process's resident memory now, in MiB, from ``/proc/self/statm``."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


def rss_breakdown_mb() -> tuple[float, float]:
    """``(anonymous, file-backed)`` resident MiB of this process, from ``/proc/self/status``.

    Pages of memory-mapped files count as resident once read, but the kernel may drop them at
    any time (they are the files' page cache); anonymous memory is what the process holds.
    """
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("RssAnon", "RssFile", "RssShmem"):
            fields[name] = int(value.split()[0]) / 1024.0
    return fields.get("RssAnon", float("nan")), fields.get("RssFile", float("nan"))


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """``(seconds, result)`` of one call."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def timed_with_cpu(function: Callable[[], Any]) -> tuple[float, float, Any]:
    """``(wall seconds, this process's CPU seconds, result)`` of one call.

    On a machine shared with other work, CPU time of single-threaded code is the steadier
    figure; wall time is what a person waits.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def repeat_ms(function: Callable[[], Any], repeats: int = 7) -> float:
    """Median milliseconds of ``repeats`` calls after one warm-up call."""
    function()
    return float(np.median([timed(function)[0] for _ in range(repeats)]) * 1000.0)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    """Median and 95th percentile (linear interpolation) of a list of durations, in ms."""
    values = np.asarray(seconds) * 1000.0
    return {"median": float(np.median(values)), "p95": float(np.percentile(values, 95))}


def emit(result: dict[str, Any]) -> None:
    """Hand a task's result to the runner: one prefixed JSON line on stdout."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


def run_task(task: str, size: str, data: Path, timeout: float = 3600.0) -> dict[str, Any]:
    """Run ``_scale_tasks.py task`` in a fresh Python process and return its result dict.

    A failure becomes ``{"error": "..."}`` with the task's last stderr line, so one broken peer
    does not lose the other measurements.
    """
    command = [sys.executable, str(TASKS_SCRIPT), task, "--size", size, "--data", str(data)]
    logger.info("running %s for %s", task, size)
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"{task} took longer than {timeout:.0f} s and was stopped"}
    for line in reversed(finished.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
    logger.warning("%s for %s failed (exit %s): %s", task, size, finished.returncode, last)
    return {"error": f"{task} failed: {last}"}


def _meminfo_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024.0 / 1024.0
    return float("nan")


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit() -> str:
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            cwd=BENCHMARKS_DIR,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return described.stdout.strip()


def machine() -> dict[str, Any]:
    """Cores, RAM, CPU model, OS, versions and the load when measuring."""
    packages = ("numpy", "scipy", "pandas", "pyarrow", "lenskit", "scikit-surprise")
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(_meminfo_gib(), 1),
        "cpu": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {package: _version(package) for package in packages},
        "kindred_commit": _git_commit(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
