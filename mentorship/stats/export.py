"""The programme health report as a table: one row per figure and group, and as CSV text."""

import csv
import io
from typing import Any


def report_rows(report: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The report flattened, one (target role, figure, value) per figure and group: `all` for
    the whole programme, an empty role for people without a mentee profile."""
    rows: list[tuple[str, str, Any]] = []
    groups = [("all", report["overall"])] + [
        (group["target_role"] or "", group) for group in report["by_target_role"]
    ]
    for role, figures in groups:
        for step in figures["funnel"]:
            rows.append((role, f"funnel.{step['step']}.count", step["count"]))
            rows.append((role, f"funnel.{step['step']}.conversion", step["conversion"]))
            rows.append(
                (role, f"funnel.{step['step']}.share_of_signed_up", step["share_of_signed_up"])
            )
        for pair in figures["days_between_steps"]:
            name = f"days_between_steps.{pair['from_step']}.{pair['to_step']}"
            rows.append((role, f"{name}.count", pair["count"]))
            rows.append((role, f"{name}.median_days", pair["median_days"]))
        for section in ("time_to_hire", "mentor_response", "checkins", "stalled"):
            for key, value in figures[section].items():
                rows.append((role, f"{section}.{key}", value))
        for side, values in figures["ratings"].items():
            rows.append((role, f"ratings.{side}.count", values["count"]))
            rows.append((role, f"ratings.{side}.average", values["average"]))
            for rating, count in values["distribution"].items():
                rows.append((role, f"ratings.{side}.distribution.{rating}", count))
    return rows


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV text: a header, then one row per figure and group (`report_rows`), each
    with the window; a null is an empty value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["from", "to", "target_role", "figure", "value"])
    start, end = report["from"].isoformat(), report["to"].isoformat()
    for role, figure, value in report_rows(report):
        writer.writerow([start, end, role, figure, "" if value is None else value])
    return buffer.getvalue()
