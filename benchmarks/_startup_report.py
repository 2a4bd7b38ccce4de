"""The start-up section of ``benchmarks/RESULTS.md``: rendering ``startup.py``'s results as
Markdown, and replacing only the text between its own markers."""

from __future__ import annotations

from pathlib import Path

START_MARKER = "<!-- startup:start -->"
END_MARKER = "<!-- startup:end -->"
FIRST_PAINT_TARGET_S = 3.0
DEMO_RECOMMENDATIONS_TARGET_S = 5.0

ROW_LABELS = {
    "log_started": "launcher logging (interpreter and launcher imports)",
    "first_paint": '**first paint**: "Loading Kindred…" page loaded in the window',
    "engine_imported": "engine and Flask imported (helper thread)",
    "workspace_opened": "workspace opened (storage, community)",
    "model_fitted": "model fitted, catalogue statistics ready",
    "server_answering": "local server answering",
    "first_app_page": "first app page loaded in the window",
    "first_recommendations": "**first recommendations**: /recommendations loaded",
}
# The helper thread's steps, in order, for the "what dominates" breakdown.
CRITICAL_PATH = (
    "log_started",
    "engine_imported",
    "workspace_opened",
    "model_fitted",
    "server_answering",
    "first_recommendations",
)


def target_for(milestone: str, scenario: str) -> str:
    if milestone == "first_paint":
        return f"< {FIRST_PAINT_TARGET_S:g} s"
    if milestone == "first_recommendations" and scenario == "demo":
        return f"< {DEMO_RECOMMENDATIONS_TARGET_S:g} s"
    return ""


def figure_table(summary: list[dict]) -> list[str]:
    """Rows: milestones; columns: scenarios; cells: median / max seconds (with the target)."""
    lines = [
        "| from process start, s (median / max) | "
        + " | ".join(s["label"] for s in summary)
        + " |",
        "|---|" + "---|" * len(summary),
    ]
    for milestone, label in ROW_LABELS.items():
        cells = []
        for scenario in summary:
            figure = scenario["figures"].get(milestone)
            target = target_for(milestone, scenario["scenario"])
            if figure is None:
                cells.append("–")
                continue
            cell = f"{figure['median']:.2f} / {figure['max']:.2f}"
            if figure["n"] < scenario["runs"]:
                cell += f" ({figure['n']} of {scenario['runs']} runs)"
            cells.append(f"{cell} (target {target})" if target else cell)
        if any(cell != "–" for cell in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def verdicts(summary: list[dict]) -> list[str]:
    """Met or missed, for each issue-7 target, on the median and on the worst launch."""
    lines = []
    paints = [s["figures"]["first_paint"] for s in summary if "first_paint" in s["figures"]]
    if paints:
        median = max(paint["median"] for paint in paints)
        worst = max(paint["max"] for paint in paints)
        lines.append(
            f"- First paint under {FIRST_PAINT_TARGET_S:g} s: "
            f"{met(median, FIRST_PAINT_TARGET_S)} on the median (slowest scenario {median:.2f} s), "
            f"{met(worst, FIRST_PAINT_TARGET_S)} on every launch (worst {worst:.2f} s)."
        )
    demo = next((s for s in summary if s["scenario"] == "demo"), None)
    if demo is not None and "first_recommendations" in demo["figures"]:
        figure = demo["figures"]["first_recommendations"]
        target = DEMO_RECOMMENDATIONS_TARGET_S
        lines.append(
            f"- Demo recommendations under {target:g} s: {met(figure['median'], target)} on the "
            f"median ({figure['median']:.2f} s), {met(figure['max'], target)} on every launch "
            f"(worst {figure['max']:.2f} s)."
        )
    return lines


def commits(machine: dict) -> str:
    """The commit measured; both when the tree changed during the run."""
    after = machine.get("commit_after", machine["commit"])
    if after == machine["commit"]:
        return f"commit {machine['commit']}"
    return f"commit {machine['commit']} at the start and {after} at the end (the tree changed)"


def launches(count: int) -> str:
    return f"{count} launch" if count == 1 else f"{count} launches"


def met(value: float, target: float) -> str:
    return "met" if value < target else "missed"


def breakdown(summary: list[dict]) -> list[str]:
    """Where the time to the recommendations goes: steps between medians, per scenario."""
    lines = []
    for scenario in summary:
        figures = scenario["figures"]
        steps = [name for name in CRITICAL_PATH if name in figures]
        if "first_recommendations" not in steps:
            continue
        parts, previous = [], 0.0
        for name in steps:
            parts.append(
                f"{ROW_LABELS[name].replace('**', '')} +{figures[name]['median'] - previous:.2f}"
            )
            previous = figures[name]["median"]
        line = f"- {scenario['label']}: " + "; ".join(parts) + " s."
        if "first_paint" in figures:
            paint = figures["first_paint"]["median"]
            line += (
                f" Meanwhile the main thread starts Qt and paints the loading page ({paint:.2f} s)."
            )
        lines.append(line)
    return lines


def import_lines(groups: list[dict]) -> list[str]:
    lines = []
    for group in groups:
        heaviest = ", ".join(f"{name} {seconds:.2f}" for name, seconds in group["heaviest"])
        line = (
            f"- {group['group']} (`{group['statement']}`): {group['total_s']:.2f} s; "
            f"heaviest: {heaviest}"
        )
        if group.get("heaviest_chain"):
            line += f". {group['heaviest_chain'][-1]} comes in through " + " → ".join(
                f"`{module}`" for module in group["heaviest_chain"][:-1]
            )
        lines.append(line + ".")
    return lines


def failures(summary: list[dict]) -> list[str]:
    return [
        f"- {scenario['label']}: {problem}"
        for scenario in summary
        for problem in scenario["failed_runs"]
    ]


def measured_block(title: str, summary: list[dict]) -> list[str]:
    lines = [f"### {title}", "", *figure_table(summary), "", *verdicts(summary)]
    problems = failures(summary)
    if problems:
        lines += [
            "",
            "Launches with a problem (their milestones still count if reached):",
            *problems,
        ]
    return lines


def render_section(results: dict) -> str:
    """The whole section, markers included."""
    machine = results["machine"]
    loads = [load for s in results["source"] for load in s["load_1min"]]
    lines = [
        START_MARKER,
        "## Start-up speed (issue 7)",
        "",
        f"Written by `benchmarks/startup.py` on {machine['date']}; {machine['cores']} cores "
        f"({machine['cpu']}), Python {machine['python']}, {commits(machine)}. Each "
        "launch is `python -m desktop --data-dir DIR` under "
        '`xvfb-run -a -s "-screen 0 1280x800x24"`, timed from the `python` process\'s own '
        "start (kernel start time, so Xvfb's start is excluded) to the milestones the launcher "
        f"logs; {launches(results['runs'])} per scenario, the scenarios interleaved, each "
        "stopped with SIGTERM. First paint is Qt's `loadFinished` for the loading page "
        "(logged by the window; not a pixel probe). The 1M community is "
        "`make_synthetic.py --size 1m`, stored beforehand with `Workspace.import_community`.",
        "",
        f"Load average (1/5/15 min): {machine['load_before']} before, {machine['load_after']} "
        f"after; 1-minute load at each launch {min(loads):.2f}–{max(loads):.2f} on "
        f"{machine['cores']} cores. The machine was shared with other engineers' jobs, so the "
        "figures are upper bounds for an idle machine.",
        "",
        *measured_block("Source tree (`python -m desktop`)", results["source"]),
        "",
    ]
    if "built" in results:
        lines += [*measured_block("Built app (`dist/Kindred/Kindred`)", results["built"]), ""]
    else:
        lines += [
            "Built app: not measured, `dist/Kindred/Kindred` did not exist when this ran "
            "(`make package` builds it; the script then measures it too).",
            "",
        ]
    lines += ["### Where the time goes (differences of medians)", "", *breakdown(results["source"])]
    if results.get("importtime"):
        lines += [
            "",
            "Imports (`python -X importtime`, a fresh process each, median of 3; cumulative "
            "seconds, so a package includes what it was first to import):",
            "",
            *import_lines(results["importtime"]),
        ]
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def merge_section(path: Path, section: str) -> None:
    """Put ``section`` between the start-up markers of ``path``, or append it (with its
    markers) at the end; everything outside the markers stays as it was."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Kindred benchmarks\n"
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start != -1 and end > start:
        rest = text[end + len(END_MARKER) :].lstrip("\n")
        text = text[:start] + section + ("\n" + rest if rest.strip() else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
