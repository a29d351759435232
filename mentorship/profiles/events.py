"""Profile change events: the seam the matching engine listens on.

Services call `profile_changed` after their transaction commits. It only logs today; the matching
issue re-scores what the change touches from here.
"""

import logging
from typing import Literal

logger = logging.getLogger(__name__)

ProfileKind = Literal["mentee", "mentor"]


def profile_changed(*, user_id: int, kind: ProfileKind) -> None:
    logger.info("profile changed user=%s kind=%s", user_id, kind)
