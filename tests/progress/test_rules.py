"""The pure rules of progress, no database: review hints, experiment comparison, local weeks.

`project_hints` reads a project's text and milestones; `changed_params`, `experiment_warnings`
and `best_runs` compare experiment runs; `week_start` finds a person's own Monday.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mentorship.progress.experiments import (
    Run,
    best_runs,
    changed_params,
    experiment_warnings,
)
from mentorship.progress.review import MilestoneFacts, project_hints
from mentorship.progress.weeks import week_start

START = date(2024, 3, 4)
TEMPLATE = ["plan", "collect-data", "clean-explore", "model", "deploy", "write-up"]


def milestones(*keys: str, status: str = "todo") -> list[MilestoneFacts]:
    """The data scientist's milestones (or just `keys`), due a week apart from START."""
    keys = keys or tuple(TEMPLATE)
    return [
        MilestoneFacts(key, key.replace("-", " ").capitalize(), START + timedelta(weeks=n), status)
        for n, key in enumerate(keys, start=1)
    ]


def codes(*, texts=("A churn model",), facts=None, today=START) -> list[str]:
    facts = milestones() if facts is None else facts
    return [hint.code for hint in project_hints(texts=texts, milestones=facts, today=today)]


def famous_in(*texts: str) -> list[str]:
    """The data set names the famous_dataset hint gives for `texts` (none: no hint)."""
    hints = project_hints(texts=texts, milestones=milestones(), today=START)
    messages = [hint.message for hint in hints if hint.code == "famous_dataset"]
    if not messages:
        return []
    return messages[0].split(" is a teaching data set")[0].split(", ")


# --- famous data sets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Who survived the Titanic", ["Titanic"]),
        ("TITANIC passenger list", ["Titanic"]),
        ("kaggle.com/c/titanic", ["Titanic"]),
        ("Handwritten digits from MNIST", ["MNIST"]),
        ("mnist", ["MNIST"]),
        ("Fashion-MNIST clothes", ["Fashion-MNIST"]),
        ("FashionMNIST", ["Fashion-MNIST"]),
        ("The Iris flowers", ["Iris"]),
        ("iris.csv from UCI", ["Iris"]),
        ("Boston housing prices", ["Boston housing"]),
        ("boston-housing", ["Boston housing"]),
        ("CIFAR-10 images", ["CIFAR-10"]),
        ("cifar10", ["CIFAR-10"]),
        ("CIFAR 10", ["CIFAR-10"]),
        ("CIFAR-100 images", ["CIFAR-100"]),
        ("MNIST, then CIFAR-10", ["CIFAR-10", "MNIST"]),
    ],
)
def test_a_famous_teaching_data_set_is_named_whatever_its_case(text, names):
    assert famous_in(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Irish weather stations",
        "Irises in my garden",
        "An iridescent beetle survey",
        "mnistlike synthetic digits",
        "EMNIST letters",
        "Titanically large log files",
        "Boston's housing market from listings",
        "CIFAR-1000 is not a thing",
        "Prices of houses in Lisbon",
    ],
)
def test_a_famous_name_inside_another_word_is_not_flagged(text):
    assert famous_in(text) == []


@pytest.mark.parametrize("where", ["title", "problem statement", "data set"])
def test_the_title_problem_and_data_set_are_all_read(where):
    texts = ["A churn model", "Who leaves", "Our own CRM export"]
    position = ["title", "problem statement", "data set"].index(where)
    texts[position] = "Iris"

    assert famous_in(*texts) == ["Iris"]


def test_the_famous_hint_comes_first_and_once_for_several_data_sets():
    hints = project_hints(
        texts=["MNIST digits", "Then Titanic", "And mnist again"], milestones=[], today=START
    )

    assert [hint.code for hint in hints] == ["famous_dataset", "no_deploy", "no_write_up"]
    assert hints[0].message.startswith("MNIST, Titanic is a teaching data set")


def test_fashion_mnist_spelled_with_a_space_is_only_fashion_mnist():
    assert famous_in("Fashion MNIST clothes") == ["Fashion-MNIST"]


# --- missing steps ----------------------------------------------------------------------------


def test_the_full_template_on_its_first_day_has_no_hints():
    assert codes() == []


def test_a_project_without_a_deploy_step_is_told_to_deploy():
    assert codes(facts=milestones("plan", "model", "write-up")) == ["no_deploy"]


def test_a_project_without_a_write_up_is_told_to_write_one():
    assert codes(facts=milestones("plan", "model", "deploy")) == ["no_write_up"]


def test_a_project_without_milestones_misses_both_steps():
    assert codes(facts=[]) == ["no_deploy", "no_write_up"]


@pytest.mark.parametrize("key", ["deploy", "deploy-demo", "deploy-to-heroku"])
def test_any_deploy_key_counts_as_a_deploy_step(key):
    assert codes(facts=milestones("plan", key, "write-up")) == []


# --- overdue and not started ------------------------------------------------------------------


def test_a_todo_milestone_past_its_due_date_is_flagged_with_its_title_and_date():
    hints = project_hints(texts=["A churn model"], milestones=milestones(), today=date(2024, 3, 12))

    assert [hint.code for hint in hints] == ["overdue_not_started"]
    assert hints[0].message == "'Plan' was due on 2024-03-11 and has not started."


def test_on_its_due_date_a_milestone_is_not_yet_late():
    assert codes(today=date(2024, 3, 11)) == []


@pytest.mark.parametrize("status", ["in_progress", "done"])
def test_a_started_or_finished_milestone_past_due_is_not_flagged(status):
    assert codes(facts=milestones(status=status), today=date(2024, 6, 1)) == []


def test_each_late_todo_milestone_gets_its_own_hint_in_due_order():
    facts = milestones()
    facts[1] = MilestoneFacts("collect-data", "Collect", facts[1].due_date, "in_progress")

    hints = project_hints(texts=["Churn"], milestones=facts, today=date(2024, 3, 26))

    assert [hint.message.split("'")[1] for hint in hints] == ["Plan", "Clean explore"]


def test_all_hints_come_in_a_fixed_order():
    facts = [MilestoneFacts("plan", "Plan", date(2024, 3, 11), "todo")]

    assert codes(texts=["Titanic"], facts=facts, today=date(2024, 4, 1)) == [
        "famous_dataset",
        "no_deploy",
        "no_write_up",
        "overdue_not_started",
    ]


# --- experiments ------------------------------------------------------------------------------

REFERENCE = {"lr": 0.001, "batch_size": 32, "optimizer": "adam"}


def test_without_a_reference_nothing_changed():
    assert changed_params({"lr": 0.1}, None) == []


def test_an_empty_reference_is_still_a_reference():
    assert changed_params({"lr": 0.1, "epochs": 5}, {}) == ["epochs", "lr"]


@pytest.mark.parametrize(
    ("params", "changed"),
    [
        (REFERENCE, []),
        ({**REFERENCE, "lr": 0.01}, ["lr"]),
        ({**REFERENCE, "dropout": 0.5}, ["dropout"]),
        ({"lr": 0.001, "batch_size": 32}, ["optimizer"]),
        ({"lr": 0.1, "batch_size": 64, "optimizer": "sgd"}, ["batch_size", "lr", "optimizer"]),
        ({**REFERENCE, "batch_size": 32.0}, []),
        ({**REFERENCE, "batch_size": "32"}, ["batch_size"]),
    ],
    ids=["same", "changed", "added", "removed", "all, sorted", "32 == 32.0", "'32' != 32"],
)
def test_changed_params_are_the_added_removed_and_changed_names_sorted(params, changed):
    assert changed_params(params, REFERENCE) == changed


def test_one_change_against_a_reference_is_not_warned_about():
    assert experiment_warnings(["lr"], has_reference=True) == []


def test_several_changes_are_one_warning_naming_them_all():
    warnings = experiment_warnings(["batch_size", "lr", "optimizer"], has_reference=True)

    assert len(warnings) == 1
    assert warnings[0].startswith(
        "Changes 3 parameters against its reference (batch_size, lr, optimizer)"
    )


def test_without_a_reference_there_is_no_warning():
    assert experiment_warnings(["a", "b"], has_reference=False) == []


def run(number: int, metric: str, value: float, higher_is_better: bool = True) -> Run:
    return Run(number, f"run {number}", metric, value, higher_is_better)


def test_no_runs_no_best():
    assert best_runs([]) == []


def test_the_best_run_per_metric_honours_its_direction_and_is_ordered_by_metric():
    runs = [
        run(1, "rmse", 12.0, higher_is_better=False),
        run(2, "auc", 0.71),
        run(3, "rmse", 9.5, higher_is_better=False),
        run(4, "auc", 0.84),
        run(5, "rmse", 10.0, higher_is_better=False),
        run(6, "auc", 0.80),
    ]

    assert [r.id for r in best_runs(iter(runs))] == [4, 3]


def test_on_a_tie_the_earliest_run_is_the_best():
    runs = [
        run(1, "mae", 2.0, False),
        run(2, "mae", 2.0, False),
        run(3, "f1", 0.5),
        run(4, "f1", 0.5),
    ]

    assert [r.id for r in best_runs(runs)] == [3, 1]


def test_negative_metrics_compare_as_numbers():
    runs = [run(1, "log_likelihood", -120.5), run(2, "log_likelihood", -98.25)]

    assert [r.id for r in best_runs(runs)] == [2]


# --- weeks in a person's own time zone --------------------------------------------------------


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_same_instant_falls_in_different_weeks_at_either_end_of_the_date_line():
    # Monday 10:30 UTC: Tuesday 00:30 on Kiritimati (UTC+14), Sunday 23:30 in Pago Pago (UTC-11)
    moment = utc(2024, 6, 10, 10, 30)

    assert week_start(moment, "Pacific/Kiritimati") == date(2024, 6, 10)
    assert week_start(moment, "Pacific/Pago_Pago") == date(2024, 6, 3)
    assert week_start(moment, "UTC") == date(2024, 6, 10)


def test_a_sunday_in_utc_is_already_next_week_on_kiritimati():
    moment = utc(2024, 6, 9, 12)  # Sunday noon UTC: Monday 02:00 on Kiritimati

    assert week_start(moment, "Pacific/Kiritimati") == date(2024, 6, 10)
    assert week_start(moment, "Pacific/Pago_Pago") == date(2024, 6, 3)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2024, 6, 10, 0, 0), date(2024, 6, 10)),
        (utc(2024, 6, 9, 23, 59, 59), date(2024, 6, 3)),
        (utc(2024, 6, 16, 23, 59, 59), date(2024, 6, 10)),
    ],
    ids=["Monday midnight", "a second before", "the last second of the week"],
)
def test_a_week_runs_from_monday_midnight_to_sunday_night(moment, expected):
    assert week_start(moment, "UTC") == expected


@pytest.mark.parametrize(
    ("zone", "last_second_of_sunday", "monday"),
    [
        # clocks went forward at 01:00 UTC that Sunday: Monday starts at 23:00 UTC
        ("Europe/London", utc(2024, 3, 31, 22, 59, 59), date(2024, 4, 1)),
        # clocks went back at 06:00 UTC that Sunday: Monday starts at 05:00 UTC
        ("America/New_York", utc(2024, 11, 4, 4, 59, 59), date(2024, 11, 4)),
        # summer time ended that Sunday (UTC+11 to UTC+10): Monday starts at 14:00 UTC
        ("Australia/Sydney", utc(2024, 4, 7, 13, 59, 59), date(2024, 4, 8)),
    ],
)
def test_a_dst_change_on_sunday_moves_the_start_of_monday(zone, last_second_of_sunday, monday):
    assert week_start(last_second_of_sunday, zone) == monday - timedelta(weeks=1)
    assert week_start(last_second_of_sunday + timedelta(seconds=1), zone) == monday


def test_the_day_samoa_skipped_still_belongs_to_its_week():
    # Samoa jumped from Thursday 29 to Saturday 31 December 2011 (UTC-10 to UTC+14)
    thursday_night = utc(2011, 12, 30, 9, 59)  # 23:59 on Thursday 29
    saturday_morning = utc(2011, 12, 30, 10, 0)  # 00:00 on Saturday 31

    assert week_start(thursday_night, "Pacific/Apia") == date(2011, 12, 26)
    assert week_start(saturday_morning, "Pacific/Apia") == date(2011, 12, 26)
    assert week_start(saturday_morning + timedelta(days=2), "Pacific/Apia") == date(2012, 1, 2)


@pytest.mark.parametrize(
    "zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu", "America/St_Johns"]
)
def test_a_week_start_is_always_the_local_monday_on_or_before_the_local_day(zone):
    moment = utc(2024, 1, 1)
    while moment < utc(2025, 1, 1):
        local = moment.astimezone(ZoneInfo(zone)).date()
        start = week_start(moment, zone)
        assert start.weekday() == 0
        assert start <= local < start + timedelta(weeks=1)
        moment += timedelta(hours=7, minutes=15)
