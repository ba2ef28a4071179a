"""Permission cases: committees:* of the tree from the pages: create, rename, move, merge, dissolve (committees/urls_tree.py). See tests/permission_cases/base.py."""

from tests.permission_cases.base import Case

CASES: dict[str, Case] = {}
