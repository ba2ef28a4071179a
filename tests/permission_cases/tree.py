"""Permission cases: committees:* of the tree from the pages: create, rename, move, merge, dissolve (committees/urls_tree.py). See tests/permission_cases/base.py.

Founding a unit needs `organize` on the parent: the place's organization. Renaming, moving,
merging and dissolving need `organize` granted strictly above the unit (a clerk never
reorganizes the organization it was granted on), so those cases act on a new unit founded
under the place's organization: the place's clerk may reorganize it, others are refused as the
place dictates. Under a dissolved place nothing can be founded: the case acts on the place
itself, where `organize` is gone (403).
"""

import datetime

from committees.models import Organization
from committees.permissions import Perm
from tests.factories import make_organization
from tests.permission_cases.base import Case, Ctx, organization_pk

EFFECTIVE_ON = "2024-03-01"


def unit_below(c: Ctx, name: str) -> Organization:
    if c.place.dissolved:
        return c.organization
    return make_organization(c.organization, name=name, founded_on=datetime.date(2020, 1, 1))


def new_unit(c: Ctx, inside: bool) -> dict:
    return {"pk": unit_below(c, "Chi bộ Kiểm Tra Sắp Xếp").pk}


def create_form(c: Ctx, inside: bool) -> dict:
    return {
        "name": "Chi bộ Mới Thành Lập",
        "short_name": "CB Mới",
        "kind": "cell",
        "issuer_code": "CB",
        "place_name": "Thanh Hoá",
        "founded_on": "2024-03-01",
    }


def rename_form(c: Ctx, inside: bool) -> dict:
    return {"name": "Chi bộ Đã Đổi Tên", "short_name": "", "issuer_code": "CB", "place_name": "Thanh Hoá"}


def move_form(c: Ctx, inside: bool) -> dict:
    """To a sibling founded for the purpose: a place the unit's clerk may organize."""
    return {"new_parent": unit_below(c, "Chi bộ Nhận Chuyển Đến").pk, "effective_on": EFFECTIVE_ON}


def merge_form(c: Ctx, inside: bool) -> dict:
    """Into the place's organization, the unit's parent."""
    return {"target": c.organization.pk, "effective_on": EFFECTIVE_ON}


def dissolve_form(c: Ctx, inside: bool) -> dict:
    return {"effective_on": EFFECTIVE_ON, "confirm": "on"}


def reorganization(data) -> Case:
    return Case(perm=Perm.ORGANIZE, methods=("GET", "POST"), target=new_unit, data=data, writes=True)


CASES: dict[str, Case] = {
    "committees:organization_create": Case(
        perm=Perm.ORGANIZE, methods=("GET", "POST"), target=organization_pk, data=create_form, writes=True
    ),
    "committees:organization_rename": reorganization(rename_form),
    "committees:organization_move": reorganization(move_form),
    "committees:organization_merge": reorganization(merge_form),
    "committees:organization_dissolve": reorganization(dissolve_form),
}
