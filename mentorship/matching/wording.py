"""Explanation codes in words, for the mentee or the mentor who reads them: every sentence once.

The codes (see `explanations`) are stored with each match; this module is the only place that
turns them into sentences, so a wording changes here alone and a front end that renders its own
wording or language reads the codes instead (the API returns both). Examples, as the mentee and
the mentor of one match read them:

- "Has worked as a data scientist" / "You have worked as a data scientist, the role they aim at"
- "Covers 4 of your 5 missing skills: pandas, scikit-learn, SQL, Git" /
  "You cover 4 of their 5 missing skills: pandas, scikit-learn, SQL, Git"
- "6 hours of overlap in your working day", "Also came from physics" (the same for both)
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from mentorship.matching.explanations import Code
from mentorship.taxonomy.selectors import TaxonomyNames, taxonomy_names

Reader = Literal["mentee", "mentor"]

# (code, variant) -> (as the mentee reads it, as the mentor reads it)
SENTENCES: Mapping[tuple[str, str], tuple[str, str]] = {
    (Code.WORKED_IN_ROLE, ""): (
        "Has worked as {role}",
        "You have worked as {role}, the role they aim at",
    ),
    (Code.WORKED_IN_CLOSE_ROLE, ""): (
        "Has worked as {role}, a role close to {target}",
        "You have worked as {role}, a role close to {target}, which they aim at",
    ),
    (Code.COVERS_GAP, ""): (
        "Covers {covered} of your {missing} missing skills{skills}",
        "You cover {covered} of their {missing} missing skills{skills}",
    ),
    (Code.HOURS_OVERLAP, ""): (
        "{hours} hours of overlap in your working day",
        "{hours} hours of overlap in your working day",
    ),
    (Code.HOURS_OVERLAP, "one"): (
        "1 hour of overlap in your working day",
        "1 hour of overlap in your working day",
    ),
    (Code.HOURS_OVERLAP, "none"): (
        "No overlap in your working hours",
        "No overlap in your working hours",
    ),
    (Code.SAME_BACKGROUND, ""): ("Also came from {background}", "Also came from {background}"),
}


def _with_article(name: str) -> str:
    name = name.lower()
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def _worked_in(code: Mapping[str, Any], names: TaxonomyNames) -> tuple[str, dict]:
    return "", {"role": _with_article(names.role(code["role"]))}


def _worked_close(code: Mapping[str, Any], names: TaxonomyNames) -> tuple[str, dict]:
    return "", {
        "role": _with_article(names.role(code["role"])),
        "target": names.role(code["target"]).lower(),
    }


def _covers(code: Mapping[str, Any], names: TaxonomyNames) -> tuple[str, dict]:
    skills = [names.skill(slug) for slug in code.get("skills", [])]
    more = ", ..." if code["covered"] > len(skills) else ""
    listed = ": " + ", ".join(skills) + more if skills else ""
    return "", {"covered": code["covered"], "missing": code["missing"], "skills": listed}


def _hours(code: Mapping[str, Any], names: TaxonomyNames) -> tuple[str, dict]:
    hours = code["hours"]
    return ("none" if hours == 0 else "one" if hours == 1 else ""), {"hours": hours}


def _came_from(code: Mapping[str, Any], names: TaxonomyNames) -> tuple[str, dict]:
    return "", {"background": names.background(code["background"]).lower()}


# code -> (the variant of its sentence, the template's parameters)
_PARAMETERS: Mapping[str, Callable[[Mapping[str, Any], TaxonomyNames], tuple[str, dict]]] = {
    Code.WORKED_IN_ROLE: _worked_in,
    Code.WORKED_IN_CLOSE_ROLE: _worked_close,
    Code.COVERS_GAP: _covers,
    Code.HOURS_OVERLAP: _hours,
    Code.SAME_BACKGROUND: _came_from,
}


def render(
    codes: Sequence[Mapping[str, Any]], *, reader: Reader, names: TaxonomyNames
) -> list[str]:
    """The sentences of one match's codes as `reader` reads them (an unknown code is skipped)."""
    side = 0 if reader == "mentee" else 1
    sentences = []
    for code in codes:
        parameters = _PARAMETERS.get(code.get("code", ""))
        if parameters is None:  # written by a newer release, say
            continue
        variant, params = parameters(code, names)
        sentences.append(SENTENCES[(code["code"], variant)][side].format(**params))
    return sentences


def names_for(code_lists: Iterable[Sequence[Mapping[str, Any]]]) -> TaxonomyNames:
    """The taxonomy names that these code lists mention (one query for a whole page)."""
    roles: set[str] = set()
    skills: set[str] = set()
    backgrounds: set[str] = set()
    for codes in code_lists:
        for code in codes:
            roles.update(code[key] for key in ("role", "target") if key in code)
            skills.update(code.get("skills", ()))
            if "background" in code:
                backgrounds.add(code["background"])
    return taxonomy_names(roles=roles, skills=skills, backgrounds=backgrounds)


# --- why a list is empty or short -------------------------------------------------------------

REASONS: Mapping[str, str] = {
    "no_profile": "Create your profile first: matching starts from it.",
    "hired": "You accepted an offer: congratulations, matching is over for you.",
    "awaiting_approval": "Staff have not approved your mentor profile yet: no mentee sees you.",
    "not_accepting": "You are not taking new mentees: you are in nobody's list.",
    "away": "You are away until {away_until}: you are in nobody's list until then.",
    "paused": "Requests to you expired unanswered too often: you are paused from matching "
    "until staff lift the pause.",
    "no_free_capacity": "{subject} no free place right now.",
    "no_approved_mentors": "No mentor has been approved yet.",
    "no_shared_language": "No mentor with a free place speaks one of your languages; "
    "adding {languages} would widen your list.",
    "all_excluded": "Every mentor you could be matched with has declined you or ended a "
    "mentorship with you.",
    "below_min_score": "The other available mentors score under {min_score} for you, or share "
    "no working hour with you.",
    "pending_refresh": "Your latest change is being scored: your list will follow shortly.",
    "no_mentees_matched": "No mentee's list includes you yet.",
}


def reason(code: str, **params: Any) -> dict[str, Any]:
    """A coded reason with its message (and its parameters, for a client's own wording)."""
    return {"code": code, "message": REASONS[code].format(**params), **params}
