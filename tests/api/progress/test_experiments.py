"""/api/v1/projects/{id}/experiments: record runs and compare each with its reference run.

A run names its parameters (strings, finite numbers or booleans) and one metric. Against a
reference run of the same project it lists the parameters it changed (added and removed ones
too) and warns when it changed more than one. The project shows the best run per metric.
"""

import json

import pytest

from mentorship.progress.models import Experiment
from tests.api.progress.helpers import assert_error, assert_invalid, make_project, project_url

pytestmark = pytest.mark.django_db

EXPERIMENT_FIELDS = {
    "id",
    "name",
    "params",
    "metric",
    "reference",
    "changed_params",
    "warnings",
    "created_at",
}
BASELINE = {"lr": 0.001, "batch_size": 32, "optimizer": "adam", "shuffle": True}


def experiments_url(project) -> str:
    return project_url(project.pk, "experiments")


@pytest.fixture
def record(mentee_client, project):
    """POST a run to `project` and return the response."""

    def post(name="run", params=None, metric=None, **body):
        payload = {
            "name": name,
            "params": BASELINE if params is None else params,
            "metric": metric or {"name": "auc", "value": 0.8},
            **body,
        }
        return mentee_client.post(experiments_url(project), payload)

    return post


@pytest.fixture
def baseline(record) -> int:
    response = record("baseline")
    assert response.status_code == 201, response.content
    return response.json()["id"]


# --- recording and comparing ------------------------------------------------------------------


def test_a_run_without_a_reference_has_nothing_to_compare(record, project):
    response = record("baseline", metric={"name": "auc", "value": 0.81})

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == EXPERIMENT_FIELDS
    assert (body["name"], body["params"], body["reference"]) == ("baseline", BASELINE, None)
    assert body["metric"] == {"name": "auc", "value": 0.81, "higher_is_better": True}
    assert (body["changed_params"], body["warnings"]) == ([], [])
    stored = Experiment.objects.get(pk=body["id"])
    assert (stored.project, stored.metric_name, stored.metric_value) == (project, "auc", 0.81)


def test_changing_one_parameter_against_the_reference_is_not_warned_about(record, baseline):
    response = record("lr 1e-4", params={**BASELINE, "lr": 0.0001}, reference=baseline)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["reference"], body["changed_params"], body["warnings"]) == (baseline, ["lr"], [])


def test_changing_two_parameters_is_one_warning_naming_both(record, baseline):
    response = record(
        "lr and batch", params={**BASELINE, "lr": 0.01, "batch_size": 64}, reference=baseline
    )

    body = response.json()
    assert body["changed_params"] == ["batch_size", "lr"]
    assert len(body["warnings"]) == 1
    assert "2 parameters" in body["warnings"][0]
    assert "batch_size, lr" in body["warnings"][0]


@pytest.mark.parametrize(
    ("params", "changed"),
    [
        ({**BASELINE, "dropout": 0.2}, ["dropout"]),
        ({k: v for k, v in BASELINE.items() if k != "shuffle"}, ["shuffle"]),
        ({**BASELINE, "shuffle": False, "dropout": 0.2}, ["dropout", "shuffle"]),
        ({**BASELINE, "optimizer": "sgd"}, ["optimizer"]),
        (BASELINE, []),
        ({**BASELINE, "batch_size": 32.0}, []),
    ],
    ids=["added", "removed", "added and changed", "string changed", "identical", "32 is 32.0"],
)
def test_added_and_removed_parameters_count_as_changed(record, baseline, params, changed):
    body = record("trial", params=params, reference=baseline).json()

    assert body["changed_params"] == changed
    assert len(body["warnings"]) == (1 if len(changed) > 1 else 0)


def test_the_list_shows_every_run_with_its_comparison_oldest_first(mentee_client, record, project):
    first = record("baseline").json()["id"]
    second = record("lr", params={**BASELINE, "lr": 0.01}, reference=first).json()["id"]
    third = record("two", params={**BASELINE, "lr": 0.1, "shuffle": False}, reference=first)

    response = mentee_client.get(experiments_url(project))

    assert response.status_code == 200
    runs = response.json()
    assert [run["id"] for run in runs] == [first, second, third.json()["id"]]
    assert [run["changed_params"] for run in runs] == [[], ["lr"], ["lr", "shuffle"]]
    assert [len(run["warnings"]) for run in runs] == [0, 0, 1]


def test_a_reference_from_another_project_is_a_400_on_reference(
    record, mentee, make_mentee, project
):
    own_other = make_project(mentee, title="Second", archived=True)
    theirs = make_project(make_mentee(), title="Theirs")
    foreign = [
        Experiment.objects.create(
            project=other, name="x", params={}, metric_name="auc", metric_value=0.5
        ).pk
        for other in (own_other, theirs)
    ]

    for reference in [*foreign, 999_999]:
        assert_invalid(record("trial", reference=reference), "reference")
    assert not Experiment.objects.filter(project=project).exists()


def test_a_null_reference_is_no_reference(record):
    body = record("baseline", reference=None).json()

    assert (body["reference"], body["changed_params"]) == (None, [])


@pytest.mark.parametrize(
    "value",
    [[0.1, 0.01], {"start": 0.1}, None, "x" * 201],
    ids=["list", "dict", "null", "long string"],
)
def test_a_parameter_value_must_be_a_scalar(record, value):
    response = record("trial", params={"lr": value, "batch_size": 32})

    assert_invalid(response, "params.lr")
    assert not Experiment.objects.exists()


def test_strings_numbers_and_booleans_are_all_scalars(record):
    params = {"optimizer": "adam", "lr": 1e-3, "epochs": 10, "shuffle": False, "note": ""}

    response = record("trial", params=params)

    assert response.status_code == 201
    assert response.json()["params"] == params


def test_parameters_may_be_empty(record):
    assert record("no knobs", params={}).status_code == 201


def test_too_many_parameters_is_a_400(record):
    assert_invalid(record("trial", params={f"p{n}": n for n in range(51)}), "params")


def post_raw(client, project, raw: str):
    return client.post(experiments_url(project), raw, content_type="application/json")


@pytest.mark.parametrize(
    ("raw_metric", "raw_params", "field"),
    [
        ('{"name": "auc", "value": 1e400}', '{"lr": 0.1}', "metric.value"),
        ('{"name": "auc", "value": -1e400}', '{"lr": 0.1}', "metric.value"),
        ('{"name": "auc", "value": 0.5}', '{"lr": 1e400}', "params.lr"),
    ],
    ids=["infinite metric", "minus infinite metric", "infinite parameter"],
)
def test_a_number_too_large_to_be_finite_is_a_400(
    mentee_client, project, raw_metric, raw_params, field
):
    raw = f'{{"name": "huge", "params": {raw_params}, "metric": {raw_metric}}}'
    assert json.loads(raw)  # the JSON is valid: 1e400 parses as infinity

    assert_invalid(post_raw(mentee_client, project, raw), field)
    assert not Experiment.objects.exists()


def test_nan_is_not_json_and_is_rejected(mentee_client, project):
    raw = '{"name": "nan", "params": {}, "metric": {"name": "auc", "value": NaN}}'

    response = post_raw(mentee_client, project, raw)

    assert_error(response, 400, "parse_error")
    assert not Experiment.objects.exists()


@pytest.mark.parametrize(
    ("metric", "field"),
    [
        ({"value": 0.5}, "metric.name"),
        ({"name": "auc"}, "metric.value"),
        ({"name": "auc", "value": "high"}, "metric.value"),
        ({"name": "auc", "value": 0.5, "unit": "%"}, "metric.unit"),
    ],
    ids=["no name", "no value", "not a number", "unknown field"],
)
def test_a_bad_metric_is_a_400_on_the_nested_field(record, metric, field):
    assert_invalid(record("trial", metric=metric), field)


# --- the best run per metric ------------------------------------------------------------------


def best(mentee_client, project) -> dict[str, tuple[str, float]]:
    body = mentee_client.get(project_url(project.pk)).json()
    return {run["metric"]: (run["name"], run["value"]) for run in body["best_experiments"]}


def test_the_project_shows_the_best_run_per_metric_honouring_the_direction(
    mentee_client, record, project
):
    record("auc a", metric={"name": "auc", "value": 0.71})
    record("auc b", metric={"name": "auc", "value": 0.84})
    record("auc c", metric={"name": "auc", "value": 0.79})
    for name, value in [("rmse a", 12.5), ("rmse b", 9.75), ("rmse c", 11.0)]:
        record(name, metric={"name": "rmse", "value": value, "higher_is_better": False})

    assert best(mentee_client, project) == {"auc": ("auc b", 0.84), "rmse": ("rmse b", 9.75)}


def test_best_experiments_have_the_documented_shape(mentee_client, record, project):
    run = record("only", metric={"name": "mae", "value": 3.0, "higher_is_better": False}).json()

    body = mentee_client.get(project_url(project.pk)).json()

    assert body["best_experiments"] == [
        {
            "metric": "mae",
            "value": 3.0,
            "higher_is_better": False,
            "experiment": run["id"],
            "name": "only",
        }
    ]


def test_on_a_tie_the_earliest_run_stays_the_best(mentee_client, record, project):
    record("first", metric={"name": "auc", "value": 0.8})
    record("second", metric={"name": "auc", "value": 0.8})

    assert best(mentee_client, project) == {"auc": ("first", 0.8)}


# --- who may record and read ------------------------------------------------------------------


def test_the_active_mentor_reads_runs_but_cannot_record_one(
    mentor_client, mentorship, record, project
):
    record("baseline")

    listed = mentor_client.get(experiments_url(project))
    posted = mentor_client.post(
        experiments_url(project),
        {"name": "mine", "params": {}, "metric": {"name": "auc", "value": 0.9}},
    )

    assert listed.status_code == 200
    assert [run["name"] for run in listed.json()] == ["baseline"]
    assert_error(posted, 403, "permission_denied")
    assert Experiment.objects.count() == 1


def test_strangers_neither_read_nor_record_runs(client_for, make_mentee, make_mentor, project):
    for stranger in (make_mentee(), make_mentor()):
        client = client_for(stranger)
        assert_error(client.get(experiments_url(project)), 404, "not_found")
        posted = client.post(
            experiments_url(project),
            {"name": "x", "params": {}, "metric": {"name": "auc", "value": 0.9}},
        )
        assert_error(posted, 404, "not_found")
    assert not Experiment.objects.exists()
