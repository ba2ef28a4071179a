import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from committees import services as committee_services
from pledges.models import Pledge, PledgeState
from pledges.services import pledges as services
from pledges.services.common import records_follow_merge
from pledges.services.plans import plan_close, plan_save
from pledges.services.pledges import AssessmentInput, EvaluationInput, ItemInput

pytestmark = pytest.mark.django_db

ITEMS = [
    ItemInput(content="Đi làm đúng giờ", area="workplace", target="100% ngày công"),
    ItemInput(content="Tiết kiệm điện  ", area="thrift", due_on=datetime.date(2024, 12, 31)),
]


def make_pledge(person, *, submit=False, items=ITEMS):
    return services.pledge_create(person=person, year=2024, items=list(items), submit=submit)


def test_create_stores_form_of_the_category_and_normalized_items(world):
    pledge = make_pledge(world.people_a1[0])
    assert pledge.state == PledgeState.DRAFT
    assert pledge.form == "01"
    assert pledge.organization == world.cell_a1
    assert [i.content for i in pledge.items.order_by("position")] == ["Đi làm đúng giờ", "Tiết kiệm điện"]


def test_one_pledge_per_person_and_year_is_refused_with_a_message(world):
    make_pledge(world.people_a1[0])
    with pytest.raises(ValidationError, match="đã có bản đăng ký năm 2024"):
        make_pledge(world.people_a1[0])
    assert Pledge.objects.filter(person=world.people_a1[0]).count() == 1


def test_database_refuses_a_second_personal_pledge(world):
    person = world.people_a1[0]
    Pledge.objects.create(person=person, organization=person.organization, year=2024, form="01")
    with pytest.raises(IntegrityError):
        Pledge.objects.create(person=person, organization=person.organization, year=2024, form="01")


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], "ít nhất một việc"),
        ([ItemInput(content="   ")], "chưa có nội dung"),
        ([ItemInput(content="x" * 1001)], "dài quá 1000"),
        ([ItemInput(content="Đúng giờ", due_on=datetime.date(2025, 1, 1))], "phải nằm trong năm 2024"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_saved(world, items, message):
    with pytest.raises(ValidationError, match=message):
        make_pledge(world.people_a1[0], items=items)
    assert not Pledge.objects.exists()


def test_submit_records_date_and_on_time_against_the_plan_deadline(world):
    plan_save(organization=world.committee_a, year=2024, pledge_deadline=datetime.date(2024, 3, 20))
    pledge = make_pledge(world.people_a1[0], submit=True)
    assert pledge.state == PledgeState.SUBMITTED
    assert pledge.submitted_on == datetime.date(2024, 3, 15)
    assert pledge.on_time is True
    with time_machine.travel(datetime.datetime(2024, 3, 21, 9, tzinfo=datetime.UTC), tick=False):
        late = make_pledge(world.people_a1[1], submit=True)
    assert late.on_time is False


def test_full_workflow_return_resubmit_accept_assess_evaluate(world):
    pledge = make_pledge(world.people_a1[0], submit=True)
    with pytest.raises(ValidationError, match="lý do trả lại"):
        services.pledge_return(pledge=pledge, comment="  ")
    services.pledge_return(pledge=pledge, comment="Bổ sung chỉ tiêu")
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.RETURNED
    services.pledge_update(pledge=pledge, items=ITEMS[:1], expected_version=pledge.version, submit=True)
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.SUBMITTED and pledge.items.count() == 1
    services.pledge_accept(pledge=pledge)
    item = pledge.items.get()
    services.pledge_self_assess(
        pledge=pledge, assessments=[AssessmentInput(item_id=item.pk, result="done", note="Đạt")]
    )
    item.refresh_from_db()
    assert item.result == "done" and item.assessed_on == datetime.date(2024, 3, 15)
    services.pledge_evaluate(pledge=pledge, evaluation="good", comment="Tốt")
    pledge.refresh_from_db()
    assert (pledge.state, pledge.evaluation) == (PledgeState.EVALUATED, "good")


def test_submitted_pledge_cannot_be_edited_and_draft_cannot_be_accepted(world):
    pledge = make_pledge(world.people_a1[0])
    with pytest.raises(ValidationError, match="đã nộp"):
        services.pledge_accept(pledge=pledge)
    services.pledge_submit(pledge=pledge)
    with pytest.raises(ValidationError, match="không sửa được"):
        services.pledge_update(pledge=pledge, items=ITEMS, expected_version=None)
    with pytest.raises(ValidationError, match="sau khi chi bộ đã duyệt"):
        services.pledge_self_assess(pledge=pledge, assessments=[])


def test_stale_version_is_refused_not_silently_overwritten(world):
    pledge = make_pledge(world.people_a1[0])
    stale = pledge.version
    services.pledge_update(pledge=pledge, items=ITEMS[:1], expected_version=stale)
    with pytest.raises(ValidationError, match="vừa được người khác cập nhật"):
        services.pledge_update(pledge=pledge, items=ITEMS, expected_version=stale)
    assert pledge.items.count() == 1


def test_closed_year_refuses_every_change(world):
    pledge = make_pledge(world.people_a1[0], submit=True)
    plan_close(plan=plan_save(organization=world.committee_a, year=2024))
    with pytest.raises(ValidationError, match="khóa sổ"):
        services.pledge_accept(pledge=pledge)
    with pytest.raises(ValidationError, match="khóa sổ"):
        make_pledge(world.people_a1[1])


def test_person_who_left_before_the_year_is_refused(world):
    person = world.people_a1[0]
    committee_services.person_update(person=person, left_on=datetime.date(2023, 6, 1))
    with pytest.raises(ValidationError, match="đã rời tổ chức"):
        make_pledge(person)


def test_cell_evaluation_is_all_or_nothing(world):
    accepted = make_pledge(world.people_a1[0], submit=True)
    services.pledge_accept(pledge=accepted)
    draft = make_pledge(world.people_a1[1])
    with pytest.raises(ValidationError, match=world.people_a1[1].full_name):
        services.cell_evaluate(
            organization=world.cell_a1,
            year=2024,
            evaluations=[EvaluationInput(accepted.pk, "excellent"), EvaluationInput(draft.pk, "good")],
        )
    accepted.refresh_from_db()
    assert accepted.evaluation == ""
    count = services.cell_evaluate(
        organization=world.cell_a1, year=2024, evaluations=[EvaluationInput(accepted.pk, "excellent")]
    )
    assert count == 1


def test_collective_pledge_one_per_organization_and_year(world):
    services.collective_pledge_create(organization=world.committee_a, year=2024, items=ITEMS)
    with pytest.raises(ValidationError, match="bản đăng ký tập thể"):
        services.collective_pledge_create(organization=world.committee_a, year=2024, items=ITEMS)


def test_merge_moves_open_year_records_and_keeps_closed_ones(world):
    person = world.people_a2[0]
    with time_machine.travel(datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC), tick=False):
        old = services.pledge_create(person=person, year=2023, items=ITEMS[:1])
    new = make_pledge(person)
    committee_services.reporting_year_close(year=2023)
    committee_services.organization_merge(source=world.cell_a2, target=world.cell_a1, on=datetime.date(2024, 3, 1))
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.organization == world.cell_a2
    assert new.organization == world.cell_a1


def test_records_follow_merge_with_no_open_year_moves_nothing(world):
    pledge = make_pledge(world.people_a2[0])
    records_follow_merge(source=world.cell_a2, target=world.cell_a1, years=[])
    pledge.refresh_from_db()
    assert pledge.organization == world.cell_a2
