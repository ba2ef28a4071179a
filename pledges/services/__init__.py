"""Services that write the movement's records, one module per kind of record."""

from pledges.services.common import records_follow_merge

__all__ = ["records_follow_merge"]
