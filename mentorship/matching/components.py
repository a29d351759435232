"""The score's components and the working day: the one place their names and defaults live.

Pure Python, imported by the engine, the settings (the weights come from `MATCHING_WEIGHT_<NAME>`),
the explanations and the API's schema, so a component is named once.
"""

COMPONENTS: tuple[str, ...] = ("role_fit", "gap_coverage", "timezone", "background", "skill_depth")

# Gap coverage and role fit lead: a mentor who did the role and holds what the mentee lacks
# matters most.
DEFAULT_WEIGHTS: dict[str, float] = {
    "role_fit": 0.30,
    "gap_coverage": 0.35,
    "timezone": 0.15,
    "background": 0.10,
    "skill_depth": 0.10,
}

WORKDAY_HOURS = 9.0  # a working day is 09:00-18:00 local time

# Acceptable pairs score at least this (and share a working hour unless the mentee allows none):
# below it a mentor is neither listed nor suggested.
DEFAULT_MIN_SCORE = 0.35
# Scores within one band of this width are near-ties, ordered by seat tickets (engine/ties.py).
DEFAULT_TIE_BAND = 0.01
