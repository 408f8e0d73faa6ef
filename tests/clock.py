"""The suite's fixed clock (tests/conftest.py sets it for every test).

06:00 in Bangkok is still the day before in UTC, so a date counted in the
machine's zone (UTC on servers and CI) instead of Bangkok's is a day wrong and
its test fails, at whatever hour the suite runs. The clock ticks from there:
durations and timeouts still work.

Instants are given to time-machine in UTC: given a Bangkok zone it would also
switch the process's own time zone to Bangkok and hide exactly that mistake.
"""

import datetime as dt
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")


def bangkok(year, month, day, hour=0, minute=0, second=0) -> dt.datetime:
    """The instant at this wall-clock time in Bangkok, expressed in UTC."""
    local = dt.datetime(year, month, day, hour, minute, second, tzinfo=BANGKOK)
    return local.astimezone(dt.UTC)


NOW = bangkok(2026, 12, 4, 6, 0)
TODAY = dt.date(2026, 12, 4)  # Bangkok's date at NOW (UTC's is the 3rd)
