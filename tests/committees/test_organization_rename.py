"""organization_rename, the founding date in a closed year, and the door's questions about the tree."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from committees import services
from committees.models import Organization, OrganizationEvent, OrganizationYear, Role
from committees.permissions import may_reorganize, organizations_to_organize
from tests.factories import UserFactory, grant, make_organization

pytestmark = pytest.mark.django_db

D = datetime.date


def fresh(organization: Organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


def renames(organization: Organization) -> list[OrganizationEvent]:
    return list(OrganizationEvent.objects.filter(organization=organization, kind=OrganizationEvent.Kind.RENAME))


# --- organization_rename ----------------------------------------------------------------------


def test_rename_changes_the_names_and_records_old_and_new(world):
    decomposed = unicodedata.normalize("NFD", "  Đảng ủy Sở Công Thương   và Du lịch ")
    services.organization_rename(
        organization=world.committee_a, name=decomposed, short_name=" ĐU Sở CT-DL ", by=world.bloc_clerk
    )
    committee = fresh(world.committee_a)
    assert committee.name == unicodedata.normalize("NFC", "Đảng ủy Sở Công Thương và Du lịch")
    assert committee.short_name == "ĐU Sở CT-DL"
    assert committee.search_key == "dang uy so cong thuong va du lich"
    # Left out, the issuer code and the place name stay as they were.
    assert (committee.issuer_code, committee.place_name) == ("ĐU", "Thanh Hoá")
    (event,) = renames(committee)
    assert event.details == "Đảng ủy Sở Công Thương → Đảng ủy Sở Công Thương và Du lịch; tên viết tắt: – → ĐU Sở CT-DL"
    assert event.effective_on == D(2024, 3, 15)  # today, in the test world
    assert event.by == world.bloc_clerk
    assert event.from_parent is None and event.to_organization is None


def test_rename_of_the_issuer_code_and_place_name_only(world):
    services.organization_rename(
        organization=world.cell_a1, name="Chi bộ Văn phòng Sở", issuer_code="CBVP", place_name="Thanh Hóa"
    )
    cell = fresh(world.cell_a1)
    assert (cell.name, cell.issuer_code, cell.place_name) == ("Chi bộ Văn phòng Sở", "CBVP", "Thanh Hóa")
    assert renames(cell)[0].details == "ký hiệu: CB → CBVP; địa danh: Thanh Hoá → Thanh Hóa"


def test_rename_keeps_the_tree_and_the_year_trees(world):
    before = list(OrganizationYear.objects.order_by("pk").values_list())
    path = world.cell_a1.path
    services.organization_rename(organization=world.cell_a1, name="Chi bộ Văn phòng Sở Công Thương")
    assert fresh(world.cell_a1).path == path
    assert list(OrganizationYear.objects.order_by("pk").values_list()) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Hãy nhập tên tổ chức."),
        ("Chi bộ Văn phòng Sở", "Không có thay đổi nào"),
        (" Chi bộ  Văn phòng Sở ", "Không có thay đổi nào"),  # the same name once normalized
        ("x" * 256, "Tối đa 255 ký tự."),
    ],
)
def test_rename_refuses_and_writes_nothing(world, name, message):
    with pytest.raises(ValidationError) as refused:
        services.organization_rename(organization=world.cell_a1, name=name)
    assert message in " ".join(refused.value.messages)
    assert fresh(world.cell_a1).name == "Chi bộ Văn phòng Sở"
    assert renames(world.cell_a1) == []


def test_rename_refuses_a_dissolved_organization(world):
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    with pytest.raises(ValidationError, match="đã giải thể: không thể đổi tên"):
        services.organization_rename(organization=empty, name="Chi bộ khác")
    assert fresh(empty).name == "Chi bộ trống"
    assert renames(empty) == []


# --- founding in a closed year ------------------------------------------------------------------


def test_create_refuses_a_founding_date_in_a_closed_year(world):
    services.reporting_year_close(year=2023)
    count = Organization.objects.count()
    with pytest.raises(ValidationError, match="Năm 2023 đã khóa sổ"):
        services.organization_create(parent=world.committee_a, name="Chi bộ mới", kind="cell", founded_on=D(2023, 6, 1))
    assert Organization.objects.count() == count
    # A founding date in an open year, after the closed one, is fine.
    cell = services.organization_create(
        parent=world.committee_a, name="Chi bộ mới", kind="cell", founded_on=D(2024, 1, 2)
    )
    assert OrganizationYear.objects.filter(organization=cell).values_list("year", flat=True).get() == 2024


# --- the door: who may reorganize what ---------------------------------------------------------


def test_may_reorganize_only_strictly_below_an_organize_grant(world):
    w = world
    assert may_reorganize(w.a_clerk, w.cell_a1)
    assert not may_reorganize(w.a_clerk, w.committee_a)  # the organization it was granted on
    assert not may_reorganize(w.a_clerk, w.cell_b1)  # out of scope
    assert not may_reorganize(w.a_clerk, w.bloc)
    assert may_reorganize(w.bloc_clerk, w.committee_a)
    assert not may_reorganize(w.bloc_clerk, w.bloc)
    assert not may_reorganize(w.bloc_reviewer, w.cell_a1)  # in scope, no `organize`
    assert not may_reorganize(w.a1_secretary, w.cell_a1)
    assert may_reorganize(w.admin, w.province)  # only the superuser acts on a root
    assert not may_reorganize(w.outsider, w.cell_a1)


def test_may_reorganize_counts_only_grants_that_carry_organize(world):
    """A reviewer of the bloc who is clerk of committee A still may not reorganize committee A."""
    user = UserFactory(username="reviewer_and_clerk")
    grant(user, world.bloc, Role.REVIEWER)
    grant(user, world.committee_a, Role.CLERK)
    assert not may_reorganize(user, world.committee_a)
    assert may_reorganize(user, world.cell_a2)


def test_may_reorganize_refuses_a_dissolved_unit(world):
    empty = make_organization(world.committee_a, name="Chi bộ trống")
    services.organization_dissolve(organization=empty, on=D(2024, 3, 1))
    assert not may_reorganize(world.a_clerk, fresh(empty))
    assert not may_reorganize(world.admin, fresh(empty))


def test_organizations_to_organize(world):
    w = world
    a_subtree = {w.committee_a.pk, w.cell_a1.pk, w.cell_a2.pk}
    assert set(organizations_to_organize(w.a_clerk).values_list("pk", flat=True)) == a_subtree
    bloc_subtree = a_subtree | {w.bloc.pk, w.committee_b.pk, w.cell_b1.pk}
    assert set(organizations_to_organize(w.bloc_clerk).values_list("pk", flat=True)) == bloc_subtree
    assert not organizations_to_organize(w.bloc_reviewer).exists()
    assert not organizations_to_organize(w.a1_secretary).exists()
    assert not organizations_to_organize(w.outsider).exists()
    assert organizations_to_organize(w.admin).count() == Organization.objects.count()
