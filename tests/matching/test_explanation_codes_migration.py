"""Migration matching 0003: stored sentences become codes, and a rollback writes them back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import

BEFORE = [("matching", "0002_match_drop_mentee_score_index")]
AFTER = [("matching", "0003_match_explanation_codes")]

SENTENCES = [
    "Has worked as a data engineer",
    "Covers 5 of your 6 missing skills: Apache Spark, Kafka, Airflow, SQL, ...",
    "9 hours of overlap in your working day",
    "Also came from physics",
]
CLOSE = [
    "Has worked as a machine learning engineer, a role close to data scientist",
    "Covers 0 of your 3 missing skills",
    "1 hour of overlap in your working day",
]
CODES = [
    {"code": "worked_in_role", "role": "data-engineer"},
    {
        "code": "covers_gap",
        "covered": 5,
        "missing": 6,
        "skills": ["apache-spark", "kafka", "airflow", "sql"],
    },
    {"code": "hours_overlap", "hours": 9},
    {"code": "same_background", "background": "physics"},
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards(transactional_db):
    """Whatever the test does to the schema, the next test finds the latest one."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_stored_sentences_become_codes_and_a_rollback_restores_them(latest_schema_afterwards):
    taxonomy_import(data=reference_taxonomy())
    old = _migrate(BEFORE)
    user = old.get_model("accounts", "User")
    match = old.get_model("matching", "Match")
    mentee = user.objects.create(email="mentee@example.org", role="mentee")
    mentor = user.objects.create(email="mentor@example.org", role="mentor")
    other = user.objects.create(email="other@example.org", role="mentor")
    stamp = "2026-12-01T00:00:00Z"
    fields = {"rank": 1, "score": 0.5, "components": {}, "computed_at": stamp}
    match.objects.create(mentee=mentee, mentor=mentor, explanation=SENTENCES, **fields)
    match.objects.create(mentee=mentee, mentor=other, explanation=CLOSE, **fields)

    new = _migrate(AFTER)
    converted = dict(
        new.get_model("matching", "Match").objects.values_list("mentor_id", "explanation_codes")
    )

    assert converted[mentor.pk] == CODES
    assert converted[other.pk] == [
        {
            "code": "worked_in_close_role",
            "role": "machine-learning-engineer",
            "target": "data-scientist",
        },
        {"code": "covers_gap", "covered": 0, "missing": 3, "skills": []},
        {"code": "hours_overlap", "hours": 1},
    ]

    rolled_back = _migrate(BEFORE)
    restored = dict(
        rolled_back.get_model("matching", "Match").objects.values_list("mentor_id", "explanation")
    )
    assert restored == {mentor.pk: SENTENCES, other.pk: CLOSE}
