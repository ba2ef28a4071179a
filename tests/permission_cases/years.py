"""Permission cases: committees:* of the reporting years: opening a year for a subtree (committees/urls_years.py). See tests/permission_cases/base.py."""

from tests.permission_cases.base import Case

CASES: dict[str, Case] = {}
