"""Review hints on a project: what the seeds warn hiring managers notice.

A pure function of the project's text and milestones, recomputed every time the project is read,
so a hint never goes stale (a due date passes without anyone editing anything).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Teaching data sets every hiring manager has seen many times over.
# The most specific first: a match hides its text from the patterns after it, so "Fashion-MNIST"
# is not also reported as MNIST.
FAMOUS_DATASETS = {
    "titanic": "Titanic",
    "fashion[- ]?mnist": "Fashion-MNIST",
    "mnist": "MNIST",
    "iris": "Iris",
    "boston[- ]housing": "Boston housing",
    "cifar[- ]?10": "CIFAR-10",
    "cifar[- ]?100": "CIFAR-100",
    "imdb (?:movie )?reviews?": "IMDB reviews",
    "wine quality": "Wine quality",
    "pima (?:indians )?diabetes": "Pima diabetes",
    "breast cancer wisconsin": "Breast cancer Wisconsin",
    "movielens": "MovieLens",
    "house prices": "Kaggle house prices",
}
_FAMOUS = [
    (re.compile(rf"(?<![^\W_]){pattern}(?![^\W_])", re.IGNORECASE), name)
    for pattern, name in FAMOUS_DATASETS.items()
]


def famous_datasets(text: str) -> list[str]:
    """Names of the teaching data sets `text` mentions (whole words; "keras-mnist" counts)."""
    found = []
    for pattern, name in _FAMOUS:
        text, count = pattern.subn(" ", text)
        if count:
            found.append(name)
    return sorted(found)


@dataclass(frozen=True)
class Hint:
    code: str
    message: str


@dataclass(frozen=True)
class MilestoneFacts:
    key: str
    title: str
    due_date: date
    status: str


def project_hints(
    *, texts: Iterable[str], milestones: Iterable[MilestoneFacts], today: date
) -> list[Hint]:
    hints = []
    famous = famous_datasets(" ".join(texts))
    if famous:
        hints.append(
            Hint(
                "famous_dataset",
                f"{', '.join(famous)} is a teaching data set hiring managers have seen many "
                "times: collect or combine data for a real problem instead.",
            )
        )
    milestones = list(milestones)
    if not any(milestone.key.startswith("deploy") for milestone in milestones):
        hints.append(
            Hint("no_deploy", "No deployment step: put the model where people can use it.")
        )
    if not any(milestone.key.startswith("write-up") for milestone in milestones):
        hints.append(Hint("no_write_up", "No write-up step: share what you built and learned."))
    for milestone in milestones:
        if milestone.status == "todo" and milestone.due_date < today:
            hints.append(
                Hint(
                    "overdue_not_started",
                    f"'{milestone.title}' was due on {milestone.due_date.isoformat()} and has "
                    "not started.",
                )
            )
    return hints
