import datetime
import io

import pytest
from pypdf import PdfReader

from committees.models import PersonCategory
from pledges.models import Commendation, Exemplar, Pledge, SessionKind
from pledges.services import pledges as pledge_services
from pledges.services.plans import plan_save
from pledges.services.pledges import AssessmentInput, ItemInput
from pledges.services.records import CommendationInput, SessionInput, commendation_save, exemplar_save, session_create
from tests.factories import PersonFactory


@pytest.fixture
def planned(world):
    """Plans for 2024 on the bloc, so every organization below has a plan to report on."""
    return plan_save(organization=world.bloc, year=2024)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def assess(pledge, *results):
    items = list(pledge.items.order_by("position"))
    pledge_services.pledge_self_assess(
        pledge=pledge,
        assessments=[AssessmentInput(item_id=i.pk, result=r) for i, r in zip(items, results, strict=True)],
    )


@pytest.fixture
def data(world):
    """A small hand-built year 2024 under Đảng ủy A, whose figures are known exactly
    (tests/reports/test_statistics.py)."""
    an, binh, chi = world.people_a1
    exempt = PersonFactory(
        organization=world.cell_a1, full_name="Lê Văn Dũng", exemption="retired", exemption_reason="Hưu trí"
    )
    em = PersonFactory(organization=world.cell_a1, full_name="Hồ Thị Em", category=PersonCategory.YOUTH_UNION)
    p_an = pledge_services.pledge_create(person=an, year=2024, items=[ItemInput("Một"), ItemInput("Hai")], submit=True)
    pledge_services.pledge_accept(pledge=p_an)
    assess(p_an, "done", "partly")
    pledge_services.pledge_create(person=binh, year=2024, items=[ItemInput("Một")])
    p_em = pledge_services.pledge_create(person=em, year=2024, items=[ItemInput("Một")], submit=True)
    Pledge.objects.filter(pk=p_em.pk).update(on_time=False)
    a2 = world.people_a2[0]
    p_a2 = pledge_services.pledge_create(
        person=a2, year=2024, items=[ItemInput("A"), ItemInput("B"), ItemInput("C")], submit=True
    )
    pledge_services.pledge_accept(pledge=p_a2)
    assess(p_a2, "done", "done", "not_done")
    pledge_services.pledge_evaluate(pledge=p_a2, evaluation="good")
    pledge_services.collective_pledge_create(
        organization=world.committee_a, year=2024, items=[ItemInput("X"), ItemInput("Y")]
    )
    session_create(
        organization=world.cell_a1,
        data=SessionInput(
            held_on=datetime.date(2024, 3, 10),
            kind=SessionKind.STUDY,
            topic="Học chuyên đề",
            attendee_ids=[an.pk, binh.pk, em.pk],
        ),
    )
    session_create(
        organization=world.cell_a1,
        data=SessionInput(
            held_on=datetime.date(2024, 3, 12), kind=SessionKind.THEMATIC, topic="Sinh hoạt quý I", attendee_ids=[an.pk]
        ),
    )
    session_create(
        organization=world.bloc,
        data=SessionInput(
            held_on=datetime.date(2024, 3, 1),
            kind=SessionKind.ONLINE,
            topic="Hội nghị trực tuyến",
            extra_party_members=100,
            extra_union_members=50,
            extra_others=10,
            bridge_points=12,
        ),
    )
    exemplar_save(organization=world.cell_a1, year=2024, name="Mô hình A", status=Exemplar.Status.REGISTERED)
    exemplar_save(organization=world.committee_a, year=2024, name="Mô hình B", status=Exemplar.Status.REPLICATED)
    commendation_save(
        organization=world.cell_a1,
        data=CommendationInput(
            year=2024,
            form="praise",
            recipient_person=an,
            status=Commendation.Status.GRANTED,
            decision_date=datetime.date(2024, 3, 1),
            authority="Đảng ủy Khối",
        ),
    )
    commendation_save(
        organization=world.cell_a2,
        data=CommendationInput(
            year=2024, form="certificate", recipient_organization=world.cell_a2, authority="Đảng ủy Khối"
        ),
    )
    return {"exempt": exempt, "em": em}
