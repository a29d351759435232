"""Explanations as the mentor of a match reads them."""

from mentorship.matching.explanations import for_mentor


def test_a_mentor_reads_the_sentences_about_them_in_the_second_person():
    mentee_side = [
        "Has worked as a data scientist",
        "Covers 4 of your 5 missing skills: pandas, scikit-learn, SQL, Git, ...",
        "6 hours of overlap in your working day",
        "Also came from physics",
    ]

    assert for_mentor(mentee_side) == [
        "You have worked as a data scientist, the role they aim at",
        "You cover 4 of their 5 missing skills: pandas, scikit-learn, SQL, Git, ...",
        "6 hours of overlap in your working day",
        "Also came from physics",
    ]


def test_a_close_role_and_an_empty_cover_are_reworded_too():
    mentee_side = [
        "Has worked as a machine learning engineer, a role close to data scientist",
        "Covers 0 of your 3 missing skills",
        "No overlap in your working hours",
    ]

    assert for_mentor(mentee_side) == [
        "You have worked as a machine learning engineer, a role close to data scientist, "
        "which they aim at",
        "You cover 0 of their 3 missing skills",
        "No overlap in your working hours",
    ]
