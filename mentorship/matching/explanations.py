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
    """Builds explanations against one mentor pool (made once per run), a batch of pairs at once.

    Every sentence is a template filled from a few small tables (role names, the hours, the
    backgrounds); only the "Covers ..." sentence depends on the pair, and which of the mentee's
    missing skills the mentor holds is one vectorised lookup over all the pairs' gap entries.
    """

    def __init__(self, taxonomy: Taxonomy, mentors: MentorArrays):
        self.taxonomy = taxonomy
        self.mentors = mentors
        roles = [name.lower() for name in taxonomy.role_names]
        self._worked_as = [f"Has worked as {_with_article(name)}" for name in taxonomy.role_names]
        self._worked_close = [
            [f"Has worked as {_with_article(near)}, a role close to {target}" for target in roles]
            for near in taxonomy.role_names
        ]
        self._hours = [
            f"{hours} hour{'s' if hours != 1 else ''} of overlap in your working day"
            if hours
            else "No overlap in your working hours"
            for hours in range(WORKDAY_HOURS + 1)
        ]
        self._came_from = [f"Also came from {name.lower()}" for name in taxonomy.background_names]
        # Mentors x skills levels, dense (10,000 mentors x 300 skills is 3 MB of int8).
        self._levels = mentors.skill_level.toarray()

    def explain(
        self,
        mentees: MenteeArrays,
        rows: np.ndarray,
        columns: np.ndarray,
        components: np.ndarray,
    ) -> list[list[str]]:
        """The sentences of each pair (row ``rows[p]`` of `mentees`, mentor column
        ``columns[p]``) whose components (float64, `COMPONENTS` order, as stored) are
        ``components[p]``."""
        rows = np.asarray(rows, dtype=np.int64)
        columns = np.asarray(columns, dtype=np.int64)
        components = np.asarray(components, dtype=np.float64).reshape(-1, len(COMPONENTS))
        pairs = rows.shape[0]
        if pairs == 0:
            return []
        role_sentences = self._role_sentences(mentees, rows, columns, components[:, ROLE_FIT])
        gap_sentences = self._gap_sentences(mentees, rows, columns)
        hours = np.rint(components[:, TIMEZONE] * WORKDAY_HOURS).astype(np.int64)
        hour_sentences = [self._hours[hour] for hour in hours.clip(0, WORKDAY_HOURS).tolist()]
        came_from = self._background_sentences(mentees, rows, components[:, BACKGROUND])
        return [
            [sentence for sentence in four if sentence is not None]
            for four in zip(role_sentences, gap_sentences, hour_sentences, came_from, strict=True)
        ]

    def _role_sentences(
        self, mentees: MenteeArrays, rows: np.ndarray, columns: np.ndarray, role_fit: np.ndarray
    ) -> list[str | None]:
        target = mentees.target_role[rows].astype(np.int64)
        sentences: list[str | None] = [None] * rows.shape[0]
        full = role_fit >= 0.999
        for pair, role in zip(np.flatnonzero(full).tolist(), target[full].tolist(), strict=True):
            sentences[pair] = self._worked_as[role]
        partial = np.flatnonzero(~full & (role_fit > 0))
        if partial.size:
            # The closest role the mentor worked in: the first of the most similar ones.
            worked = self.mentors.roles[columns[partial]].toarray().astype(bool)
            similarity = self.taxonomy.role_similarity[target[partial]]
            closest = np.where(worked, similarity, -np.inf).argmax(axis=1)
            for pair, near, role in zip(
                partial.tolist(), closest.tolist(), target[partial].tolist(), strict=True
            ):
                sentences[pair] = self._worked_close[near][role]
        return sentences

    def _gap_sentences(
        self, mentees: MenteeArrays, rows: np.ndarray, columns: np.ndarray
    ) -> list[str | None]:
        """ "Covers c of your g missing skills: a, b, c, d, ..." (the first four it covers, most
        urgent first), or None for a mentee without a gap."""
        weight, level = mentees.gap_weight, mentees.gap_level
        sizes = np.diff(weight.indptr)
        # Each mentee's entries most urgent first (ties in skill order): one sort for the batch.
        entry_row = np.repeat(np.arange(sizes.shape[0]), sizes)
        urgency = np.lexsort((weight.indices, -weight.data, entry_row))
        skill, required = weight.indices[urgency], level.data[urgency]
        # Every pair's entries, in that order, and whether the mentor holds each at the level.
        counts = sizes[rows]
        pair = np.repeat(np.arange(rows.shape[0]), counts)
        entry = np.arange(pair.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
        entry += weight.indptr[rows][pair]
        held = self._levels[columns[pair], skill[entry]]
        covered = held >= required[entry]
        covered_pair, covered_skill = pair[covered], skill[entry][covered]
        covered_counts = np.bincount(covered_pair, minlength=rows.shape[0])
        # Names of the first SKILLS_NAMED covered skills of each pair.
        first = np.cumsum(covered_counts) - covered_counts
        position = np.arange(covered_pair.shape[0]) - first[covered_pair]
        named = position < SKILLS_NAMED
        names = self.taxonomy.skill_names
        named_skills = [names[index] for index in covered_skill[named].tolist()]
        named_counts = np.minimum(covered_counts, SKILLS_NAMED).tolist()
        sentences: list[str | None] = []
        start = 0
        for size, total, shown in zip(
            counts.tolist(), covered_counts.tolist(), named_counts, strict=True
        ):
            if not size:
                sentences.append(None)
                continue
            sentence = f"Covers {total} of your {size} missing skills"
            if shown:
                more = ", ..." if total > SKILLS_NAMED else ""
                sentence += ": " + ", ".join(named_skills[start : start + shown]) + more
                start += shown
            sentences.append(sentence)
        return sentences

    def _background_sentences(
        self, mentees: MenteeArrays, rows: np.ndarray, background: np.ndarray
    ) -> list[str | None]:
        sentences: list[str | None] = [None] * rows.shape[0]
        same = background >= 0.999
        origin = mentees.background[rows[same]].tolist()
        for pair, index in zip(np.flatnonzero(same).tolist(), origin, strict=True):
            sentences[pair] = self._came_from[index]
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
