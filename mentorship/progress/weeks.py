"""Weeks in a person's own time zone: a week starts on their Monday."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def week_start(moment: datetime, zone: str) -> date:
    """The Monday of the week `moment` falls in, on the calendar of `zone`."""
    local = moment.astimezone(ZoneInfo(zone)).date()
    return local - timedelta(days=local.weekday())
