"""Review hints on a project: what the seeds warn hiring managers notice.

A pure function of the project's text and milestones, recomputed every time the project is read,
so a hint never goes stale (a due date passes without anyone editing anything).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Teaching data sets every hiring manager has seen many times over.
FAMOUS_DATASETS = {
    "titanic": "Titanic",
    "mnist": "MNIST",
    "fashion[- ]?mnist": "Fashion-MNIST",
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
    (re.compile(rf"(?<![\w-]){pattern}(?![\w])", re.IGNORECASE), name)
    for pattern, name in FAMOUS_DATASETS.items()
]


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
    text = " ".join(texts)
    famous = sorted({name for pattern, name in _FAMOUS if pattern.search(text)})
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
    if not any(milestone.key == "write-up" for milestone in milestones):
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
