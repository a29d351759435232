"""Why a mentor fits a mentee, in a few sentences built from the engine's components.

Examples: "Has worked as a data scientist", "Covers 4 of your 5 missing skills: pandas,
scikit-learn, SQL, Git", "6 hours of overlap in your working day", "Also came from physics".
They are stored written to the mentee; `for_mentor` words them for the mentor of the match.
"""

import re
from collections.abc import Sequence

import numpy as np

from mentorship.matching.engine import COMPONENTS, MenteeArrays, MentorArrays
from mentorship.matching.features import Taxonomy

ROLE_FIT, GAP_COVERAGE, TIMEZONE, BACKGROUND = (
    COMPONENTS.index(name) for name in ("role_fit", "gap_coverage", "timezone", "background")
)
WORKDAY_HOURS = 9
SKILLS_NAMED = 4


def _with_article(role_name: str) -> str:
    name = role_name.lower()
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


class Explainer:
    """Builds explanations for one batch of mentees against one mentor pool."""

    def __init__(self, taxonomy: Taxonomy, mentees: MenteeArrays, mentors: MentorArrays):
        self.taxonomy = taxonomy
        self.mentees = mentees
        self.mentors = mentors
        self._gaps: dict[int, list[tuple[int, int]]] = {}
        self._levels: dict[int, dict[int, int]] = {}

    def _gap(self, row: int) -> list[tuple[int, int]]:
        """(skill column, required level) of the mentee's gap, most urgent first."""
        if row not in self._gaps:
            weights, levels = self.mentees.gap_weight, self.mentees.gap_level
            start, stop = weights.indptr[row], weights.indptr[row + 1]
            order = np.argsort(-weights.data[start:stop], kind="stable")
            columns = weights.indices[start:stop][order].tolist()
            required = levels.data[start:stop][order].tolist()
            self._gaps[row] = list(zip(columns, required, strict=True))
        return self._gaps[row]

    def _mentor_levels(self, column: int) -> dict[int, int]:
        """Skill column -> level of one mentor (built once per mentor and batch)."""
        if column not in self._levels:
            levels = self.mentors.skill_level
            start, stop = levels.indptr[column], levels.indptr[column + 1]
            self._levels[column] = dict(
                zip(
                    levels.indices[start:stop].tolist(),
                    levels.data[start:stop].tolist(),
                    strict=True,
                )
            )
        return self._levels[column]

    def explain(self, row: int, column: int, components: Sequence[float]) -> list[str]:
        taxonomy = self.taxonomy
        sentences = []
        target = int(self.mentees.target_role[row])
        if components[ROLE_FIT] >= 0.999:
            sentences.append(f"Has worked as {_with_article(taxonomy.role_names[target])}")
        elif components[ROLE_FIT] > 0:
            roles = self.mentors.roles
            worked = roles.indices[roles.indptr[column] : roles.indptr[column + 1]]
            closest = int(worked[np.argmax(taxonomy.role_similarity[target, worked])])
            sentences.append(
                f"Has worked as {_with_article(taxonomy.role_names[closest])}, "
                f"a role close to {taxonomy.role_names[target].lower()}"
            )
        gap = self._gap(row)
        if gap:
            held = self._mentor_levels(column)
            covered = [
                taxonomy.skill_names[skill]
                for skill, required in gap
                if held.get(skill, 0) >= required
            ]
            sentence = f"Covers {len(covered)} of your {len(gap)} missing skills"
            if covered:
                more = ", ..." if len(covered) > SKILLS_NAMED else ""
                sentence += ": " + ", ".join(covered[:SKILLS_NAMED]) + more
            sentences.append(sentence)
        hours = round(float(components[TIMEZONE]) * WORKDAY_HOURS)
        sentences.append(
            f"{hours} hour{'s' if hours != 1 else ''} of overlap in your working day"
            if hours
            else "No overlap in your working hours"
        )
        if components[BACKGROUND] >= 0.999:
            background = int(self.mentees.background[row])
            sentences.append(f"Also came from {taxonomy.background_names[background].lower()}")
        return sentences


# The sentences that speak of the mentor in the third person and of the mentee as "you", and how
# the mentor reads them. The others (working hours, background) read the same from both sides.
_FOR_MENTOR = (
    (
        re.compile(r"Has worked as (?P<role>.+), a role close to (?P<target>.+)$"),
        r"You have worked as \g<role>, a role close to \g<target>, which they aim at",
    ),
    (
        re.compile(r"Has worked as (?P<role>.+)$"),
        r"You have worked as \g<role>, the role they aim at",
    ),
    (
        re.compile(r"Covers (?P<covered>\d+) of your (?P<gap>\d+) missing skills"),
        r"You cover \g<covered> of their \g<gap> missing skills",
    ),
)


def for_mentor(sentences: Sequence[str]) -> list[str]:
    """A match's explanation as its mentor reads it ("You cover 4 of their 5 missing skills")."""
    worded = []
    for sentence in sentences:
        for pattern, replacement in _FOR_MENTOR:
            if pattern.match(sentence):
                sentence = pattern.sub(replacement, sentence, count=1)
                break
        worded.append(sentence)
    return worded
