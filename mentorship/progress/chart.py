"""The progress chart a mentor reads at a glance: milestones planned vs done per week, and hours.

Rendered with matplotlib's object API (no pyplot global state, safe in threads) to SVG.
"""

import io

from matplotlib.figure import Figure

from mentorship.progress.selectors import ChartData

PLANNED, DONE, HOURS = "#9aa5b1", "#2f855a", "#3182ce"


def progress_svg(data: ChartData, *, title: str) -> bytes:
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    milestones = figure.add_subplot()
    labels = [week.strftime("%d %b") for week in data.weeks]
    positions = range(len(labels))
    milestones.step(positions, data.planned, where="post", color=PLANNED, linestyle="--",
                    linewidth=2, label="milestones planned")  # fmt: skip
    milestones.step(positions, data.done, where="post", color=DONE, linewidth=2.5,
                    label="milestones done")  # fmt: skip
    milestones.set_ylabel("milestones (cumulative)")
    milestones.set_ylim(0, max([*data.planned, 1]) + 0.5)
    milestones.set_xticks(list(positions), labels, rotation=45, ha="right", fontsize=8)
    milestones.set_title(title, fontsize=11, parse_math=False)  # "$5" is money, not TeX
    hours = milestones.twinx()
    hours.bar(positions, data.hours, color=HOURS, alpha=0.25, width=0.6, label="hours logged")
    hours.set_ylabel("hours logged that week")
    hours.set_ylim(0, max([*data.hours, 1.0]) * 1.3)
    handles = [*milestones.get_legend_handles_labels()[0], *hours.get_legend_handles_labels()[0]]
    milestones.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    milestones.set_zorder(hours.get_zorder() + 1)
    milestones.patch.set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
