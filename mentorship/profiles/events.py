"""Profile change events: the seam matching listens on.

Services call `profile_changed` once their transaction commits; it enqueues the re-scoring of
what the change touches (a mentee's list, or the lists a mentor is in or enters).
"""

import logging
from typing import Literal

logger = logging.getLogger(__name__)

ProfileKind = Literal["mentee", "mentor"]


def profile_changed(*, user_id: int, kind: ProfileKind) -> None:
    from mentorship.matching.cache import matches_changed
    from mentorship.matching.selectors import match_counterpart_ids
    from mentorship.matching.tasks import refresh_mentee_matches, refresh_mentor_matches

    logger.info("profile changed user=%s kind=%s", user_id, kind)
    # Match pages embed the other side's public profile: the pages that show this one change now.
    matches_changed(user_ids=match_counterpart_ids(user_id=user_id, kind=kind))
    task = refresh_mentee_matches if kind == "mentee" else refresh_mentor_matches
    try:
        task.delay(user_id)
    except Exception:  # broker down: the nightly full run re-scores everyone anyway
        logger.exception("could not enqueue the re-scoring of user %s", user_id)
