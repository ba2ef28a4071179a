"""Permission cases: committees:* of accounts and roles (committees/urls_accounts.py). See tests/permission_cases/base.py."""

from tests.permission_cases.base import Case

CASES: dict[str, Case] = {}
