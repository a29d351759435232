"""Explanations: the codes built for every pair of a batch, and the sentences each side reads."""

import dataclasses
import json

import numpy as np
import scipy.sparse as sp
from django.utils.text import slugify

from mentorship.matching.engine import COMPONENTS, MenteeArrays, MentorArrays
from mentorship.matching.explanations import Explainer
from mentorship.matching.features import TaxonomyIndex
from mentorship.matching.wording import render
from mentorship.taxonomy.selectors import TaxonomyNames

ROLES = ["Data Engineer", "Data Analyst", "Machine Learning Engineer"]
SKILLS = ["Python", "SQL", "Apache Spark", "Kafka", "Airflow", "dbt", "Docker"]
BACKGROUNDS = ["Physics", "Software engineering"]
TAXONOMY = TaxonomyIndex(
    role_ids=[10, 11, 12],
    role_slugs=[slugify(name) for name in ROLES],
    skill_ids=list(range(100, 100 + len(SKILLS))),
    skill_slugs=[slugify(name) for name in SKILLS],
    background_ids=[20, 21],
    background_slugs=[slugify(name) for name in BACKGROUNDS],
    requirements={},
    role_similarity=np.array([[1.0, 0.3, 0.5], [0.3, 1.0, 0.2], [0.5, 0.2, 1.0]], dtype=np.float32),
)
NAMES = TaxonomyNames(
    roles={slugify(name): name for name in ROLES},
    skills={slugify(name): name for name in SKILLS},
    backgrounds={slugify(name): name for name in BACKGROUNDS},
)


def _explain(explainer: Explainer, *args) -> list[list[dict]]:
    """The codes of each pair, read back from the JSON text the store writes."""
    return [json.loads(text) for text in explainer.explain(*args)]


def _sentences(codes: list[list[dict]], reader: str = "mentee") -> list[list[str]]:
    return [render(pair, reader=reader, names=NAMES) for pair in codes]


def _matrix(rows: list[dict[int, float]], width: int, dtype) -> sp.csr_array:
    dense = np.zeros((len(rows), width))
    for index, row in enumerate(rows):
        for column, value in row.items():
            dense[index, column] = value
    return sp.csr_array(dense.astype(dtype))


def _mentees(gaps: list[dict[str, tuple[float, int]]], backgrounds: list[int]) -> MenteeArrays:
    """Every mentee aims at data engineering; `gaps`: skill -> (weight, required level)."""
    weights = [{SKILLS.index(s): w for s, (w, _) in gap.items()} for gap in gaps]
    levels = [{SKILLS.index(s): lv for s, (_, lv) in gap.items()} for gap in gaps]
    return MenteeArrays(
        ids=np.arange(1, len(gaps) + 1),
        target_role=np.zeros(len(gaps)),
        background=np.array(backgrounds),
        utc_offset=np.zeros(len(gaps)),
        languages=sp.csr_array(np.ones((len(gaps), 1), dtype=bool)),
        gap_weight=_matrix(weights, len(SKILLS), np.float32),
        gap_level=_matrix(levels, len(SKILLS), np.int8),
    )


def _mentors(roles: list[list[int]], skills: list[dict[str, int]]) -> MentorArrays:
    return MentorArrays(
        ids=np.arange(100, 100 + len(roles)),
        roles=_matrix([dict.fromkeys(worked, 1) for worked in roles], len(ROLES), bool),
        background=np.zeros(len(roles)),
        utc_offset=np.zeros(len(roles)),
        languages=sp.csr_array(np.ones((len(roles), 1), dtype=bool)),
        skill_level=_matrix(
            [{SKILLS.index(s): lv for s, lv in held.items()} for held in skills],
            len(SKILLS),
            np.int8,
        ),
        eligible=np.ones(len(roles), dtype=bool),
    )


def _components(role_fit: float, timezone: float, background: float) -> list[float]:
    values = dict.fromkeys(COMPONENTS, 0.5)
    values.update(role_fit=role_fit, timezone=timezone, background=background)
    return [values[name] for name in COMPONENTS]


def test_each_pair_is_explained_from_its_components_and_the_skills_the_mentor_holds():
    mentees = _mentees(
        [
            {  # most urgent first: Spark, then Kafka and Airflow (a tie: skill order), ...
                "Python": (0.5, 3),
                "Apache Spark": (3.0, 3),
                "Kafka": (2.0, 3),
                "Airflow": (2.0, 2),
                "dbt": (1.0, 2),
                "Docker": (0.8, 2),
            },
            {},  # no gap: no sentence about skills
        ],
        backgrounds=[0, -1],
    )
    mentors = _mentors(
        roles=[[0], [2, 1]],
        skills=[
            {"Apache Spark": 4, "Kafka": 3, "Airflow": 2, "dbt": 5, "Docker": 2, "Python": 2},
            {"Apache Spark": 2, "Kafka": 1},
        ],
    )
    explainer = Explainer(TAXONOMY, mentors)

    codes = _explain(
        explainer,
        mentees,
        np.array([0, 0, 1]),
        np.array([0, 1, 1]),
        np.array(
            [
                _components(role_fit=1.0, timezone=1.0, background=1.0),
                _components(role_fit=0.5, timezone=1 / 9, background=0.0),
                _components(role_fit=0.5, timezone=0.0, background=0.0),
            ]
        ),
    )

    assert codes[0] == [
        {"code": "worked_in_role", "role": "data-engineer"},
        {
            "code": "covers_gap",
            "covered": 5,
            "missing": 6,
            "skills": ["apache-spark", "kafka", "airflow", "dbt"],
        },
        {"code": "hours_overlap", "hours": 9},
        {"code": "same_background", "background": "physics"},
    ]
    assert codes[2] == [
        {
            "code": "worked_in_close_role",
            "role": "machine-learning-engineer",
            "target": "data-engineer",
        },
        {"code": "hours_overlap", "hours": 0},
    ]
    assert _sentences(codes) == [
        [
            "Has worked as a data engineer",
            "Covers 5 of your 6 missing skills: Apache Spark, Kafka, Airflow, dbt, ...",
            "9 hours of overlap in your working day",
            "Also came from physics",
        ],
        [
            # Of the roles the mentor did, machine learning engineering is the closest.
            "Has worked as a machine learning engineer, a role close to data engineer",
            "Covers 0 of your 6 missing skills",
            "1 hour of overlap in your working day",
        ],
        [
            "Has worked as a machine learning engineer, a role close to data engineer",
            "No overlap in your working hours",
        ],
    ]


def test_a_mentor_without_a_close_role_gets_no_role_sentence_and_an_empty_batch_none():
    explainer = Explainer(TAXONOMY, _mentors([[]], [{}]))
    mentees = _mentees([{"SQL": (1.0, 2)}], [-1])

    [only] = _explain(
        explainer, mentees, np.array([0]), np.array([0]), np.array([_components(0.0, 0.5, 0.0)])
    )

    assert only == [
        {"code": "covers_gap", "covered": 0, "missing": 1, "skills": []},
        {"code": "hours_overlap", "hours": 4},
    ]
    assert _sentences([only]) == [
        ["Covers 0 of your 1 missing skills", "4 hours of overlap in your working day"]
    ]
    assert (
        explainer.explain(mentees, np.array([]), np.array([]), np.zeros((0, len(COMPONENTS)))) == []
    )


def test_a_mentor_reads_the_sentences_about_them_in_the_second_person():
    codes = [
        {"code": "worked_in_role", "role": "data-scientist"},
        {
            "code": "covers_gap",
            "covered": 5,
            "missing": 6,
            "skills": ["pandas", "scikit-learn", "sql", "git"],
        },
        {"code": "hours_overlap", "hours": 6},
        {"code": "same_background", "background": "physics"},
    ]
    names = TaxonomyNames(
        roles={"data-scientist": "Data scientist"},
        skills={"pandas": "pandas", "scikit-learn": "scikit-learn", "sql": "SQL", "git": "Git"},
        backgrounds={"physics": "Physics"},
    )

    assert render(codes, reader="mentee", names=names) == [
        "Has worked as a data scientist",
        "Covers 5 of your 6 missing skills: pandas, scikit-learn, SQL, Git, ...",
        "6 hours of overlap in your working day",
        "Also came from physics",
    ]
    assert render(codes, reader="mentor", names=names) == [
        "You have worked as a data scientist, the role they aim at",
        "You cover 5 of their 6 missing skills: pandas, scikit-learn, SQL, Git, ...",
        "6 hours of overlap in your working day",
        "Also came from physics",
    ]


def test_a_close_role_and_an_empty_cover_are_worded_for_the_mentor_too():
    codes = [
        {
            "code": "worked_in_close_role",
            "role": "machine-learning-engineer",
            "target": "data-engineer",
        },
        {"code": "covers_gap", "covered": 0, "missing": 3, "skills": []},
        {"code": "hours_overlap", "hours": 0},
    ]

    assert _sentences([codes], reader="mentor") == [
        [
            "You have worked as a machine learning engineer, a role close to data engineer, "
            "which they aim at",
            "You cover 0 of their 3 missing skills",
            "No overlap in your working hours",
        ]
    ]


def test_a_slug_deleted_since_reads_as_itself_and_an_unknown_code_is_left_out():
    codes = [
        {"code": "covers_gap", "covered": 1, "missing": 2, "skills": ["quantum-sql"]},
        {"code": "from_a_newer_release", "x": 1},
    ]

    assert render(codes, reader="mentee", names=TaxonomyNames()) == [
        "Covers 1 of your 2 missing skills: quantum-sql"
    ]


def _digests(explainer: Explainer, mentees: MenteeArrays, components: list[float]) -> list[int]:
    """The digest of mentee 0 with mentor 0 at rank 1, and of mentee 1 with mentor 1 at rank 2."""
    return explainer.digests(
        mentees, np.array([0, 1]), np.array([0, 1]), np.array([1, 2]), np.array([0.8, 0.6]),
        np.array([components, components]),
    ).tolist()  # fmt: skip


def test_a_digest_changes_with_what_the_codes_say_even_when_the_score_does_not():
    """A run leaves a stored match alone when its digest is unchanged, so the digest must move
    whenever the explanation would, also when score and components stay the same."""
    gap = {"Apache Spark": (3.0, 3), "Kafka": (2.0, 3)}
    mentees = _mentees([gap, gap], backgrounds=[0, 1])
    spark = _mentors(roles=[[0], [1]], skills=[{"Apache Spark": 4}, {"Apache Spark": 4}])
    kafka = _mentors(roles=[[0], [1]], skills=[{"Kafka": 4}, {"Apache Spark": 4}])
    components = _components(role_fit=1.0, timezone=0.5, background=0.0)
    first, second = _digests(Explainer(TAXONOMY, spark), mentees, components)
    # Mentor 0 now covers Kafka instead of Spark: the same cover, other words, another digest.
    assert _explain(Explainer(TAXONOMY, kafka), mentees, [0], [0], [components]) != _explain(
        Explainer(TAXONOMY, spark), mentees, [0], [0], [components]
    )
    moved = _digests(Explainer(TAXONOMY, kafka), mentees, components)
    assert moved[0] != first
    assert moved[1] == second
    # The same pair with the same inputs digests the same, alone or among others.
    alone = Explainer(TAXONOMY, spark).digests(
        mentees, np.array([1]), np.array([1]), np.array([2]), np.array([0.6]),
        np.array([components]),
    ).tolist()  # fmt: skip
    assert alone == [second]
    renamed = dataclasses.replace(TAXONOMY, skill_slugs=["spark", *TAXONOMY.skill_slugs[1:]])
    assert _digests(Explainer(renamed, spark), mentees, components)[1] != second
    # The mentee's gap or background, or a component: each moves it too.
    assert (
        _digests(Explainer(TAXONOMY, spark), _mentees([gap, {}], [0, 1]), components)[1] != second
    )
    assert (
        _digests(Explainer(TAXONOMY, spark), _mentees([gap, gap], [0, 0]), components)[1] != second
    )
    other = _components(role_fit=0.5, timezone=0.5, background=0.0)
    assert _digests(Explainer(TAXONOMY, spark), mentees, other)[0] != first
