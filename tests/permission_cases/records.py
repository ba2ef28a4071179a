"""Cases of the records app (pledges:*): pledges, study sessions, exemplars, commendations, plans.

Records are made with the ORM, not the services: the services refuse to write on a dissolved
chi bộ, and the sweep needs records there too (they stay readable, never writable).
"""

import datetime

from django.utils import timezone

from committees.permissions import Perm
from pledges.models import (
    Commendation,
    CommendationForm,
    Evaluation,
    Exemplar,
    ItemResult,
    Plan,
    Pledge,
    PledgeArea,
    PledgeItem,
    PledgeState,
    SessionKind,
    StudySession,
)
from pledges.services.plans import plan_save
from tests.permission_cases.base import (
    WORKING_YEAR,
    Case,
    Ctx,
    organization_pk,
    organization_year,
    organization_year_with,
    pk_of,
)

# --- records -------------------------------------------------------------------------------------


def make_pledge(person, state: str = PledgeState.SUBMITTED, year: int = WORKING_YEAR) -> Pledge:
    """A personal pledge of `person` (recorded in the person's organization) with one item."""
    pledge = Pledge.objects.create(
        kind=Pledge.Kind.PERSONAL,
        person=person,
        organization=person.organization,
        year=year,
        form=person.pledge_form,
        state=state,
        submitted_on=None if state == PledgeState.DRAFT else datetime.date(year, 3, 1),
    )
    PledgeItem.objects.create(pledge=pledge, content="Đi làm đúng giờ, không sử dụng điện thoại trong giờ họp")
    return pledge


def pledge_in(state: str):
    """Target: a pledge of the place's person, in `state`."""
    return lambda c, inside: {"pk": make_pledge(c.person, state).pk}


def make_session(organization) -> StudySession:
    return StudySession.objects.create(
        organization=organization,
        held_on=datetime.date(WORKING_YEAR, 3, 1),
        kind=SessionKind.STUDY,
        topic="Quán triệt chuyên đề năm 2024",
    )


def make_exemplar(organization) -> Exemplar:
    return Exemplar.objects.create(organization=organization, year=WORKING_YEAR, name="Mô hình “Công sở văn minh”")


def make_commendation(c: Ctx) -> Commendation:
    # Recorded where the recipient belongs, as commendation_save does.
    member = c.member()
    return Commendation.objects.create(
        organization=member.organization,
        year=WORKING_YEAR,
        recipient_person=member,
        form=CommendationForm.PRAISE,
    )


def governing_plan(c: Ctx) -> Plan:
    """The bloc's plan of the year: what the plan page shows for the bloc and below."""
    return Plan.objects.filter(organization=c.world.bloc, year=c.year).first() or plan_save(
        organization=c.world.bloc, year=c.year
    )


def closed_plan(c: Ctx) -> Plan:
    # The ORM, not plan_save + plan_close: those refuse a dissolved organization.
    return Plan.objects.create(
        organization=c.organization,
        year=c.year,
        pledge_deadline=datetime.date(c.year, 4, 30),
        is_closed=True,
        closed_at=timezone.now(),
    )


# --- request bodies ------------------------------------------------------------------------------


def items_form(c: Ctx, inside: bool) -> dict:
    """The item rows of a pledge (personal or collective): one filled row, saved as a draft."""
    return {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "30",
        "items-0-content": "Tiết kiệm điện, nước tại cơ quan",
        "items-0-area": PledgeArea.THRIFT,
        "items-0-target": "Giảm 10% tiền điện",
        "items-0-due_on": "",
        "version": "",
    }


def cell_evaluation_form(c: Ctx, inside: bool) -> dict:
    pledges = list(Pledge.objects.filter(organization=c.organization, year=c.year, kind=Pledge.Kind.PERSONAL))
    data = {"eval-TOTAL_FORMS": str(len(pledges)), "eval-INITIAL_FORMS": str(len(pledges))}
    for index, pledge in enumerate(pledges):
        data |= {
            f"eval-{index}-pledge_id": pledge.pk,
            f"eval-{index}-evaluation": Evaluation.GOOD,
            f"eval-{index}-comment": "",
        }
    return data


def self_assessment_form(c: Ctx, inside: bool) -> dict:
    items = list(PledgeItem.objects.filter(pledge_id=c.kwargs["pk"]).order_by("position", "pk"))
    data = {"assess-TOTAL_FORMS": str(len(items)), "assess-INITIAL_FORMS": str(len(items))}
    for index, item in enumerate(items):
        data |= {
            f"assess-{index}-item_id": item.pk,
            f"assess-{index}-result": ItemResult.DONE,
            f"assess-{index}-note": "",
        }
    return data


def session_form(c: Ctx, inside: bool) -> dict:
    return {
        "held_on": "2024-03-10",
        "kind": SessionKind.THEMATIC,
        "topic": "Sinh hoạt chuyên đề quý I",
        "theme": "",
        "extra_party_members": "0",
        "extra_union_members": "2",
        "extra_others": "0",
        "bridge_points": "0",
        "note": "",
    }


def exemplar_form(c: Ctx, inside: bool) -> dict:
    return {
        "year": str(c.year),
        "name": "Mô hình “Dân vận khéo”",
        "description": "",
        "unit": "Tổ Văn thư",
        "status": Exemplar.Status.IMPLEMENTED,
    }


def commendation_form(c: Ctx, inside: bool) -> dict:
    return {
        "year": str(c.year),
        "recipient_type": "ca-nhan",
        "recipient_person": c.member().pk,
        "recipient_organization": "",
        "form": CommendationForm.PRAISE,
        "authority": "",
        "decision_number": "",
        "decision_date": "",
        "occasion": Commendation.Occasion.YEAR_END,
        "reason": "Gương người tốt, việc tốt",
        "status": Commendation.Status.PROPOSED,
        "proposed_to": "",
    }


def plan_form(c: Ctx, inside: bool) -> dict:
    return {"directive": "", "theme": "", "pledge_deadline": f"{c.year}-04-15", "required_thematic_meetings": "3"}


def directive_form(c: Ctx, inside: bool) -> dict:
    return {
        "symbol": "15-KH/ĐU",
        "issued_on": "2024-03-01",
        "title": "Kế hoạch học tập chuyên đề năm 2024",
        "implements": "",
        "issuer_name": "",
    }


# --- the cases -----------------------------------------------------------------------------------


CASES: dict[str, Case] = {
    # pledges
    "pledges:roster": Case(perm=Perm.VIEW, target=organization_year_with(lambda c: make_pledge(c.member()))),
    "pledges:cell_evaluation": Case(
        perm=Perm.APPROVE,
        methods=("GET", "POST"),
        writes=True,
        target=organization_year_with(lambda c: make_pledge(c.member(), PledgeState.ACCEPTED)),
        data=cell_evaluation_form,
    ),
    "pledges:collective_pledge": Case(
        perm=Perm.VIEW,
        post_perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=organization_year,
        data=items_form,
    ),
    "pledges:pledge_entry": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=lambda c, inside: {"person_pk": c.person.pk, "year": c.year},
        data=items_form,
    ),
    # a blank item row for the "add a row" button: no object, any signed-in user
    "pledges:item_row": Case(perm=None, data=lambda c, inside: {"index": "3"}),
    "pledges:pledge_detail": Case(perm=Perm.VIEW, target=pledge_in(PledgeState.SUBMITTED)),
    "pledges:pledge_submit": Case(
        perm=Perm.ENTER,
        methods=("POST",),
        writes=True,
        target=pledge_in(PledgeState.DRAFT),
    ),
    "pledges:pledge_accept": Case(
        perm=Perm.APPROVE,
        methods=("POST",),
        writes=True,
        target=pledge_in(PledgeState.SUBMITTED),
        data=lambda c, inside: {"comment": "Đồng ý"},
    ),
    "pledges:pledge_return": Case(
        perm=Perm.APPROVE,
        methods=("POST",),
        writes=True,
        target=pledge_in(PledgeState.SUBMITTED),
        data=lambda c, inside: {"comment": "Bổ sung chỉ tiêu đo được"},
    ),
    "pledges:pledge_self_assess": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=pledge_in(PledgeState.ACCEPTED),
        data=self_assessment_form,
    ),
    "pledges:pledge_evaluate": Case(
        perm=Perm.APPROVE,
        methods=("POST",),
        writes=True,
        target=pledge_in(PledgeState.ACCEPTED),
        data=lambda c, inside: {"evaluation": Evaluation.EXCELLENT, "comment": "Gương mẫu"},
    ),
    # study sessions
    "pledges:session_list": Case(perm=Perm.VIEW, target=organization_year_with(lambda c: make_session(c.organization))),
    "pledges:session_create": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=organization_pk,
        data=session_form,
    ),
    "pledges:session_detail": Case(perm=Perm.VIEW, target=pk_of(lambda c: make_session(c.organization))),
    "pledges:session_update": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=pk_of(lambda c: make_session(c.organization)),
        data=session_form,
    ),
    # exemplars
    "pledges:exemplar_list": Case(
        perm=Perm.VIEW, target=organization_year_with(lambda c: make_exemplar(c.organization))
    ),
    "pledges:exemplar_create": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=organization_pk,
        data=exemplar_form,
    ),
    "pledges:exemplar_detail": Case(perm=Perm.VIEW, target=pk_of(lambda c: make_exemplar(c.organization))),
    "pledges:exemplar_update": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=pk_of(lambda c: make_exemplar(c.organization)),
        data=exemplar_form,
    ),
    # commendations
    "pledges:commendation_list": Case(perm=Perm.VIEW, target=organization_year_with(make_commendation)),
    "pledges:commendation_create": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=organization_pk,
        data=commendation_form,
    ),
    "pledges:commendation_detail": Case(perm=Perm.VIEW, target=pk_of(make_commendation)),
    "pledges:commendation_update": Case(
        perm=Perm.ENTER,
        methods=("GET", "POST"),
        writes=True,
        target=pk_of(make_commendation),
        data=commendation_form,
    ),
    # the plan of the year; closing and reopening it
    "pledges:plan_detail": Case(
        perm=Perm.VIEW,
        post_perm=Perm.PLAN,
        methods=("GET", "POST"),
        writes=True,
        target=organization_year_with(governing_plan),
        data=plan_form,
    ),
    "pledges:plan_close": Case(
        perm=Perm.REOPEN,
        methods=("POST",),
        writes=True,
        target=organization_year_with(governing_plan),
    ),
    "pledges:plan_reopen": Case(
        perm=Perm.REOPEN,
        methods=("POST",),
        writes=True,
        target=organization_year_with(closed_plan),
        data=lambda c, inside: {"reason": "Bổ sung số liệu khen thưởng"},
    ),
    # the directive registry: the list is for any signed-in user (it shows what the scope reaches)
    "pledges:directive_list": Case(perm=None, data=lambda c, inside: {"q": "KH", "nam": "2024"}),
    "pledges:directive_create": Case(
        perm=Perm.PLAN,
        methods=("GET", "POST"),
        writes=True,
        target=organization_pk,
        data=directive_form,
    ),
}
