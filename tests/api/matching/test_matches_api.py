"""GET /api/v1/matches and /api/v1/admin/matching-runs: ranked, explained, scoped to the caller."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from rest_framework.renderers import JSONRenderer

from api.matching.serializers import MatchSerializer
from mentorship.accounts.models import User
from mentorship.matching.models import MatchRun
from mentorship.matching.selectors import match_list
from mentorship.profiles.models import MentorProfile
from mentorship.taxonomy.models import Skill
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

URL = "/api/v1/matches"
RUNS = "/api/v1/admin/matching-runs"


@pytest.fixture(autouse=True)
def pool(db):
    taxonomy_import(data=reference_taxonomy())
    mentees = [
        make_mentee(role="data-engineer", skills={"python": 3}, background="physics")
        for _ in range(3)
    ]
    mentors = [
        make_mentor(
            roles=(role,),
            skills={"apache-spark": 4, "kafka": 3, "sql": 4, "pandas": 4},
            background="physics" if index == 0 else None,
        )
        for index, role in enumerate(
            ("data-engineer", "data-scientist", "data-analyst", "machine-learning-engineer")
        )
    ]
    call_command("run_matching", verbosity=0)
    return mentees, mentors


def test_a_mentee_sees_their_mentors_best_first_with_why(client_for, pool):
    mentees, mentors = pool

    response = client_for(mentees[0]).get(URL)

    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["mentor"]["id"] == mentors[0].pk
    scores = [match["score"] for match in results]
    assert scores == sorted(scores, reverse=True)
    best = results[0]
    assert list(best["components"]) == [
        "role_fit",
        "gap_coverage",
        "timezone",
        "background",
        "skill_depth",
    ]
    assert "Has worked as a data engineer" in best["explanation"]
    assert "Also came from physics" in best["explanation"]
    assert best["mentee"] is None
    assert "email" not in best["mentor"]
    assert sum(match["suggested"] for match in results) <= 1


def test_a_mentor_sees_the_mentees_matched_to_them_without_contact_details(client_for, pool):
    mentees, mentors = pool

    response = client_for(mentors[0]).get(URL)

    results = response.json()["results"]
    assert sorted(match["mentee"]["id"] for match in results) == sorted(m.pk for m in mentees)
    first = results[0]
    assert first["mentor"] is None
    assert first["mentee"]["target_role"] == "data-engineer"
    assert "email" not in first["mentee"]
    # The mentee reads "Has worked as a data engineer"; the mentor reads the same match as theirs.
    assert first["explanation"][0] == "You have worked as a data engineer, the role they aim at"
    assert first["explanation"][1].startswith("You cover ")
    assert " of their " in first["explanation"][1]
    assert "Also came from physics" in first["explanation"]


def test_both_sides_get_the_same_reasons_as_codes_and_each_reads_them_in_their_own_words(
    client_for, pool
):
    mentees, mentors = pool
    as_mentee = client_for(mentees[0]).get(URL).json()["results"][0]
    as_mentor = next(
        match
        for match in client_for(mentors[0]).get(URL).json()["results"]
        if match["mentee"]["id"] == mentees[0].pk
    )

    codes = as_mentee["explanation_codes"]
    assert codes == as_mentor["explanation_codes"]
    assert codes[0] == {"code": "worked_in_role", "role": "data-engineer"}
    gap = next(code for code in codes if code["code"] == "covers_gap")
    assert set(gap["skills"]) <= {"apache-spark", "kafka", "sql", "pandas"}
    assert {"code": "same_background", "background": "physics"} in codes
    # One sentence per code, worded for each reader; skills by name, not by slug.
    assert len(as_mentee["explanation"]) == len(as_mentor["explanation"]) == len(codes)
    gap_sentence = as_mentee["explanation"][codes.index(gap)]
    assert gap_sentence.startswith(f"Covers {gap['covered']} of your {gap['missing']} missing")
    assert "Apache Spark" in gap_sentence
    assert "apache-spark" not in gap_sentence
    assert as_mentor["explanation"][codes.index(gap)].startswith(f"You cover {gap['covered']} of")


def test_a_renamed_skill_reads_under_its_new_name_without_a_new_run(client_for, pool):
    mentees, _ = pool
    Skill.objects.filter(slug="apache-spark").update(name="Spark (Apache)")

    explanation = client_for(mentees[0]).get(URL).json()["results"][0]["explanation"]

    assert any("Spark (Apache)" in sentence for sentence in explanation)


def test_min_score_filters_and_a_bad_one_is_a_400(client_for, pool):
    mentees, _ = pool
    client = client_for(mentees[0])
    all_scores = [match["score"] for match in client.get(URL).json()["results"]]
    threshold = sorted(all_scores)[len(all_scores) // 2]

    kept = client.get(URL, {"min_score": threshold}).json()["results"]
    bad = client.get(URL, {"min_score": "high"})

    assert all(match["score"] >= threshold for match in kept)
    assert len(kept) < len(all_scores)
    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["min_score"]


def test_an_unapproved_mentor_disappears_from_mentee_lists_at_once(client_for, pool):
    mentees, mentors = pool
    MentorProfile.objects.filter(user=mentors[0]).update(approved=False)

    results = client_for(mentees[0]).get(URL).json()["results"]

    assert mentors[0].pk not in [match["mentor"]["id"] for match in results]


def test_staff_and_anonymous_callers(client_for, api_client, staff):
    assert client_for(staff).get(URL).json()["count"] == 0
    assert api_client.get(URL).status_code == 401


def test_the_number_of_queries_does_not_grow_with_the_page_size(
    client_for, pool, django_assert_max_num_queries
):
    mentees, mentors = pool
    for client in (client_for(mentees[0]), client_for(mentors[0])):
        # These lists are shorter than k: the reasons add a fixed handful of small counts.
        with django_assert_max_num_queries(14) as for_one:
            one = client.get(URL, {"page_size": 1})
        with django_assert_max_num_queries(14) as for_many:
            many = client.get(URL, {"page_size": 50})
        assert len(one.json()["results"]) == 1
        assert len(many.json()["results"]) > 1
        assert len(for_many.captured_queries) == len(for_one.captured_queries)


def test_staff_start_a_run_and_follow_it(client_for, staff, django_capture_on_commit_callbacks):
    client = client_for(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RUNS)

    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status"}
    run = client.get(f"{RUNS}/{body['id']}").json()
    assert run["status"] == "done"
    assert run["mentees_total"] == 3
    assert run["chunks_done"] == run["chunks_total"]
    # The pool's fixture ran once already: the same lists, confirmed, nothing written again.
    assert (run["matches_written"], run["matches_unchanged"]) == (0, 12)
    assert run["started_by"] == staff.pk
    assert client.get(RUNS).json()["count"] == MatchRun.objects.count()


@pytest.mark.parametrize("caller", ["mentee", "mentor"])
def test_only_staff_touch_matching_runs(client_for, request, caller):
    client = client_for(request.getfixturevalue(caller))
    run = MatchRun.objects.latest("id")

    assert client.post(RUNS).status_code == 403
    assert client.get(f"{RUNS}/{run.pk}").status_code == 403


def test_an_unknown_run_is_a_404(client_for, staff):
    assert client_for(staff).get(f"{RUNS}/999999").status_code == 404
    assert client_for(staff).get(f"{RUNS}/99999999999999999999999").status_code == 404


def test_starting_a_run_refuses_an_unknown_field(client_for, staff):
    before = MatchRun.objects.count()

    response = client_for(staff).post(RUNS, {"chunk_size": 10}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"chunk_size": ["Unknown field."]}
    assert MatchRun.objects.count() == before


def test_a_full_list_costs_a_fixed_number_of_queries(
    client_for, pool, settings, django_assert_max_num_queries
):
    settings.MATCHING_TOP_K = 2
    call_command("run_matching", verbosity=0)
    mentees, _ = pool
    client = client_for(mentees[0])

    with django_assert_max_num_queries(9) as for_one:
        one = client.get(URL, {"page_size": 1})
    with django_assert_max_num_queries(9) as for_two:
        two = client.get(URL, {"page_size": 2})

    assert "reasons" not in one.json()
    assert len(two.json()["results"]) == 2
    assert len(for_two.captured_queries) == len(for_one.captured_queries)


def test_a_page_reads_exactly_as_the_match_serializer_represents_its_matches(client_for, pool):
    """The page is built from plain rows; `MatchSerializer` over the same matches is the
    documented shape: the same fields in the same order with the same values, both sides, a
    mentor with several roles and skills, a mentee without a background."""
    mentees, _ = pool
    make_mentor(
        roles=("data-scientist", "data-engineer"),
        skills={"sql": 5, "apache-spark": 3, "python": 4, "kafka": 4},
        background="physics",
    )
    mentees.append(make_mentee(role="data-engineer", skills={"sql": 1, "git": 2}))
    call_command("run_matching", verbosity=0)
    renderer = JSONRenderer()
    for user in (mentees[0], mentees[-1], *User.objects.filter(role="mentor")):
        response = client_for(user).get(URL)
        reference = MatchSerializer(
            match_list(user=user), many=True, context={"request": SimpleNamespace(user=user)}
        ).data

        assert response.status_code == 200
        assert renderer.render(response.json()["results"]) == renderer.render(reference)
        assert len(reference) > 0
