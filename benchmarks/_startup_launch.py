"""One timed launch of the Kindred window under Xvfb, for ``startup.py``.

The launcher logs each start-up step with a millisecond wall-clock time; this module starts
``xvfb-run ... COMMAND --data-dir DIR --log-dir LOGS``, finds the launcher's pid in its first
log line, takes that process's start from the kernel, waits for the last milestone wanted,
then stops the launcher with SIGTERM and checks that nothing of the launch is left.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
XVFB_SCREEN = "-screen 0 1280x800x24"
LAUNCH_TIMEOUT_SECONDS = 120.0
POLL_SECONDS = 0.05
EXIT_TIMEOUT_SECONDS = 30.0
LEFTOVER_GRACE_SECONDS = 10.0

# Milestone → what the launcher logs when it is reached, in the order the table shows them.
MILESTONES: dict[str, re.Pattern[str]] = {
    "log_started": re.compile(r"Kindred starting \(pid (\d+)\)"),
    "first_paint": re.compile(r"window loaded the start-up page"),
    "engine_imported": re.compile(r"engine and web app imported"),
    "workspace_opened": re.compile(r"workspace opened on community"),
    "model_fitted": re.compile(r"model fitted and catalogue ready"),
    "server_answering": re.compile(r"server answering at"),
    "first_app_page": re.compile(r"window loaded http://127\.0\.0\.1:\d+/"),
    "first_recommendations": re.compile(r"window loaded http://127\.0\.0\.1:\d+/recommendations"),
}
# The window logs this, and shows the reason, when the app cannot start: no need to wait on.
START_FAILED = re.compile(r"^\S+ \S+ \S+ \S+: (start-up failed.*)$", re.MULTILINE)
# "2026-12-04 17:51:50,123 INFO desktop.launcher: message" (desktop.launcher.LOG_FORMAT).
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \S+ \S+: (.*)$")


def parse_log(text: str) -> dict[str, float]:
    """Milestone → epoch seconds of its first log line (local-time stamps, as logged)."""
    reached: dict[str, float] = {}
    for line in text.splitlines():
        parsed = LOG_LINE.match(line)
        if parsed is None:
            continue
        stamp, message = parsed.groups()
        for milestone, pattern in MILESTONES.items():
            if milestone not in reached and pattern.search(message):
                reached[milestone] = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
    if "first_paint" not in reached and "first_app_page" in reached:
        # The app was ready before the loading page finished, so the window went straight to
        # it: the first thing painted is then the app page itself.
        reached["first_paint"] = reached["first_app_page"]
    return reached


def launcher_pid(text: str) -> int | None:
    """The pid the launcher logged in its first line, if it got that far."""
    found = MILESTONES["log_started"].search(text)
    return int(found[1]) if found else None


def process_start_epoch(pid: int) -> float:
    """When ``pid`` started, in epoch seconds: the kernel's start time (clock ticks since
    boot, field 22 of ``/proc/PID/stat``) moved onto the wall clock through CLOCK_BOOTTIME."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields_after_name = stat.rsplit(")", 1)[1].split()
    start_ticks = int(fields_after_name[19])  # field 22 overall; the list starts at field 3
    since_boot = start_ticks / os.sysconf("SC_CLK_TCK")
    return time.time() - (time.clock_gettime(time.CLOCK_BOOTTIME) - since_boot)


def launch_once(command: list[str], data_dir: Path, work: Path, until: str) -> dict:
    """Launch, wait for ``until`` (a milestone name), stop; return seconds from process start
    to each milestone (None when not reached), the exit status and any problem seen."""
    work.mkdir(parents=True, exist_ok=True)
    log_file = work / "logs" / "kindred.log"
    arguments = [*command, "--data-dir", str(data_dir), "--log-dir", str(log_file.parent)]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with (work / "stdout.txt").open("w") as stdout, (work / "stderr.txt").open("w") as stderr:
        process = subprocess.Popen(
            ["xvfb-run", "-a", "-s", XVFB_SCREEN, *arguments],
            stdout=stdout,
            stderr=stderr,
            env=environment,
            cwd=REPO_ROOT,
            start_new_session=True,
        )
        try:
            pid, started, problem = wait_for(process, log_file, until)
        finally:
            exit_status, stop_problem = stop(process, launcher_pid(read(log_file)))
    reached = parse_log(read(log_file))
    errors = read(work / "stderr.txt")
    problem = problem or stop_problem
    if problem is None and "Traceback" in errors:
        problem = "a traceback on stderr"
    if problem is None and exit_status != 0:
        problem = f"exit status {exit_status}"
    return {
        "pid": pid,
        "milestones_s": {
            name: round(reached[name] - started, 3) if name in reached and started else None
            for name in MILESTONES
        },
        "exit_status": exit_status,
        "problem": problem,
    }


def wait_for(
    process: subprocess.Popen, log_file: Path, until: str
) -> tuple[int | None, float | None, str | None]:
    """Poll the log until ``until`` is logged; returns (launcher pid, its start, problem)."""
    deadline = time.monotonic() + LAUNCH_TIMEOUT_SECONDS
    pid: int | None = None
    started: float | None = None
    while time.monotonic() < deadline:
        text = read(log_file)
        if pid is None and (pid := launcher_pid(text)) is not None:
            try:
                started = process_start_epoch(pid)
            except (OSError, IndexError, ValueError) as error:
                return pid, None, f"cannot read the start time of pid {pid}: {error}"
        if until in parse_log(text):
            return pid, started, None
        if failed := START_FAILED.search(text):
            return pid, started, failed[1]
        if process.poll() is not None:
            return pid, started, f"exited with {process.returncode} before {until}"
        time.sleep(POLL_SECONDS)
    return pid, started, f"{until} not logged within {LAUNCH_TIMEOUT_SECONDS:.0f} s"


def stop(process: subprocess.Popen, pid: int | None) -> tuple[int | None, str | None]:
    """SIGTERM the launcher (the window closes, the server stops, xvfb-run then stops Xvfb),
    wait for it, and make sure its process group is empty. Returns (exit status, problem)."""
    problem = None
    if process.poll() is None:
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        else:  # the launcher never logged its pid: stop the whole launch
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    try:
        exit_status = process.wait(EXIT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        problem = f"did not exit within {EXIT_TIMEOUT_SECONDS:.0f} s of SIGTERM (killed)"
        exit_status = None
    if not group_is_gone(process.pid):
        problem = problem or "processes were left behind after exit (killed)"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(EXIT_TIMEOUT_SECONDS)
    return exit_status, problem


def group_is_gone(group: int) -> bool:
    """Whether process group ``group`` has emptied within a grace period (xvfb-run stops
    Xvfb without waiting for it)."""
    deadline = time.monotonic() + LEFTOVER_GRACE_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
