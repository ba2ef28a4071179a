"""The demo's years and dates, all relative to the day `seed_demo` runs.

A new user should find this year's work whatever the date: the current year is under way
(records only up to today, the pledge deadline passed or not), the two years before it are
complete and closed, and the merge of the demo happened in the middle of last year.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

PLEDGE_DEADLINE = (4, 30)  # (month, day) of the default deadline: 30/4 (seed 002)
MERGE_DAY = (7, 1)  # (month, day) of the replayed merge, last year: 01/7


@dataclass(frozen=True)
class Timeline:
    """The demo as seen from `today`."""

    today: datetime.date

    @property
    def open_year(self) -> int:
        """The year under way: records reach only up to today."""
        return self.today.year

    @property
    def closed_years(self) -> tuple[int, int]:
        """The two complete years before it, closed."""
        return (self.open_year - 2, self.open_year - 1)

    @property
    def years(self) -> tuple[int, int, int]:
        return (*self.closed_years, self.open_year)

    @property
    def merge_on(self) -> datetime.date:
        return datetime.date(self.open_year - 1, *MERGE_DAY)

    def offset(self, year: int) -> int:
        """0 for the oldest demo year, 1 for last year, 2 for this year."""
        return year - self.years[0]

    def pledge_deadline(self, year: int) -> datetime.date:
        return datetime.date(year, *PLEDGE_DEADLINE)

    def has_come(self, day: datetime.date) -> bool:
        """Whether something dated `day` may be recorded: nothing of the demo lies in the future."""
        return day <= self.today


def timeline(today: datetime.date | None = None) -> Timeline:
    """The demo's timeline from `today` (default: the local date now)."""
    return Timeline(today=today or timezone.localdate())
