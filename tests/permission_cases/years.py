"""Permission cases: committees:* of the reporting years: opening a year for a subtree
(committees/urls_years.py). See tests/permission_cases/base.py."""

from committees.models import YearOpening
from committees.permissions import Perm
from tests.permission_cases.base import Case, Ctx, organization_pk, pk_of

# The sweep's world has 2023 and 2024 open for the whole tree: next year is not open anywhere.
NEXT_YEAR = 2025


def opening(state: str):
    def make(c: Ctx) -> YearOpening:
        return YearOpening.objects.create(year=NEXT_YEAR, organization=c.organization, state=state)

    return make


CASES: dict[str, Case] = {
    "committees:year_open": Case(
        perm=Perm.PLAN,
        methods=("GET", "POST"),
        writes=True,
        target=organization_pk,
        data=lambda c, inside: {"year": str(NEXT_YEAR)},
    ),
    "committees:year_opening": Case(perm=Perm.VIEW, target=pk_of(opening(YearOpening.State.DONE))),
    "committees:year_opening_retry": Case(
        perm=Perm.PLAN, methods=("POST",), writes=True, target=pk_of(opening(YearOpening.State.FAILED))
    ),
}
