"""The programme health charts of the admin page, read at a glance: the funnel, the days between
its steps, time to hire and mentor response times.

Rendered like the progress chart (`mentorship.progress.chart`): matplotlib's object API (no
pyplot global state, safe in threads) to SVG.
"""

import io
from typing import Any

import numpy as np
from matplotlib.figure import Figure

BAR, MEDIAN, P90, MUTED = "#3182ce", "#2f855a", "#c05621", "#9aa5b1"
LABELS = {
    "signed_up": "signed up",
    "profile_complete": "profile complete",
    "matched": "matched",
    "requested": "requested",
    "accepted": "accepted",
    "active": "active",
    "hired": "hired",
}


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _empty(axes: Any, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", color=MUTED, transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def funnel_svg(funnel: list[dict]) -> bytes:
    """Mentees of the cohort at each step, the share of those who signed up on each bar."""
    figure = Figure(figsize=(6.5, 3.6), layout="constrained")
    axes = figure.add_subplot()
    labels = [LABELS[step["step"]] for step in funnel]
    counts = [step["count"] for step in funnel]
    positions = np.arange(len(labels))
    axes.barh(positions, counts, color=BAR)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, max([*counts, 1]) * 1.25)
    for position, step in zip(positions, funnel, strict=True):
        share = step["share_of_signed_up"]
        text = f"{step['count']:,}" + (f" ({share:.0%})" if share is not None else "")
        axes.annotate(text, (step["count"], position), xytext=(4, 0),
                      textcoords="offset points", va="center", fontsize=8)  # fmt: skip
    axes.set_title("Funnel of the mentees who signed up in the window", fontsize=10)
    axes.set_xlabel("mentees")
    return _svg(figure)


def step_days_svg(between: list[dict]) -> bytes:
    """Median days from each step to the next."""
    figure = Figure(figsize=(6.5, 3.6), layout="constrained")
    axes = figure.add_subplot()
    labels = [f"{LABELS[pair['from_step']]} → {LABELS[pair['to_step']]}" for pair in between]
    days = [pair["median_days"] or 0.0 for pair in between]
    positions = np.arange(len(labels))
    axes.barh(positions, days, color=MEDIAN)
    axes.set_yticks(positions, labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, max([*days, 1.0]) * 1.25)
    for position, pair in zip(positions, between, strict=True):
        text = "—" if pair["median_days"] is None else f"{pair['median_days']:g} d"
        where = (pair["median_days"] or 0, position)
        axes.annotate(f"{text} (n={pair['count']:,})", where, xytext=(4, 0),
                      textcoords="offset points", va="center", fontsize=8)  # fmt: skip
    axes.set_title("Median days between consecutive steps", fontsize=10)
    axes.set_xlabel("days")
    return _svg(figure)


def distribution_svg(values: np.ndarray, *, title: str, unit: str) -> bytes:
    """A histogram with its median and 90th percentile marked."""
    figure = Figure(figsize=(6.5, 3.2), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=10, parse_math=False)
    if not values.size:
        _empty(axes, "nothing in this window")
        return _svg(figure)
    axes.hist(values, bins=min(40, max(5, int(np.sqrt(values.size)))), color=BAR, alpha=0.8)
    median, p90 = float(np.median(values)), float(np.percentile(values, 90))
    axes.axvline(median, color=MEDIAN, linewidth=2, label=f"median {median:.1f} {unit}")
    axes.axvline(p90, color=P90, linewidth=2, linestyle="--", label=f"90th pct {p90:.1f} {unit}")
    axes.legend(fontsize=8, frameon=False)
    axes.set_xlabel(unit)
    axes.set_ylabel("count")
    return _svg(figure)
