"""Services that write the movement's records."""

from committees.models import Organization


def records_follow_merge(*, source: Organization, target: Organization, years: list[int]) -> None:
    """Move the records of open `years` from `source` to `target` after a merge."""
