"""Experiment comparison: vary one parameter per trial against a reference (the seeds' rule)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MISSING = object()


def _same(first: Any, second: Any) -> bool:
    """Equal values of the same kind: `true` is not `1` (Python says they are equal)."""
    return isinstance(first, bool) == isinstance(second, bool) and first == second


def changed_params(params: Mapping[str, Any], reference: Mapping[str, Any] | None) -> list[str]:
    """Names of the parameters that differ from the reference (added, removed or changed)."""
    if reference is None:
        return []
    names = set(params) | set(reference)
    return sorted(
        name for name in names if not _same(params.get(name, MISSING), reference.get(name, MISSING))
    )


def experiment_warnings(changed: list[str], *, has_reference: bool) -> list[str]:
    if has_reference and len(changed) > 1:
        return [
            f"Changes {len(changed)} parameters against its reference ({', '.join(changed)}): "
            "vary one at a time, or you cannot tell which change made the difference."
        ]
    return []


@dataclass(frozen=True)
class Run:
    id: int
    name: str
    metric_name: str
    metric_value: float
    higher_is_better: bool


def best_runs(runs: Iterable[Run]) -> list[Run]:
    """The best run for each metric (ties: the earliest), ordered by metric name."""
    best: dict[str, Run] = {}
    for run in runs:
        current = best.get(run.metric_name)
        if current is None:
            best[run.metric_name] = run
            continue
        better = (
            run.metric_value > current.metric_value
            if run.higher_is_better
            else run.metric_value < current.metric_value
        )
        if better:
            best[run.metric_name] = run
    return [best[name] for name in sorted(best)]
