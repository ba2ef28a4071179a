"""Year backups: a year of a subtree exported, imported back identically (same database or an
empty one) with the same figures, and bad files refused with nothing written."""

import datetime
import io
import json

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from committees import services as committee_services
from committees.models import Organization, OrganizationYear, PersonCategory, subtree_q
from pledges.models import Commendation, Exemplar, Plan, Pledge, PledgeItem, SessionKind, StudySession
from pledges.services import pledges as pledge_services
from pledges.services.plans import plan_save
from pledges.services.pledges import AssessmentInput, ItemInput
from pledges.services.records import CommendationInput, SessionInput, commendation_save, exemplar_save, session_create
from reports import services as report_services
from reports.models import Report, ReportRender
from reports.statistics import organization_year_figures
from tests.factories import PersonFactory
from tests.pledges.factories_plans import make_cascade, make_theme
from transfers.backup import BackupRejected, export_year, import_year, read_document
from transfers.backup.format import NOT_EXPORTED, SECTIONS

pytestmark = pytest.mark.django_db

YEAR = 2024
RESTORED = "Khôi phục từ bản sao lưu"


@pytest.fixture
def year_data(world, django_capture_on_commit_callbacks):
    """A full year of Sở Công Thương (committee_a): every kind of record and workflow state,
    a superior's plan, a person who moved out during the year, and records outside the scope."""
    theme = make_theme(YEAR)
    cascade = make_cascade(world)
    plan_save(
        organization=world.bloc,
        year=YEAR,
        directive=cascade["duk"],
        pledge_deadline=datetime.date(YEAR, 4, 15),
        required_thematic_meetings=3,
    )
    plan_save(organization=world.committee_a, year=YEAR, directive=cascade["du"])
    an, binh, chi = world.people_a1
    secretary = world.a1_secretary
    evaluated = pledge_services.pledge_create(
        person=an,
        year=YEAR,
        submit=True,
        by=secretary,
        items=[ItemInput("Đi làm đúng giờ", area="workplace", target="100% ngày công"), ItemInput("Tiết kiệm điện")],
    )
    pledge_services.pledge_accept(pledge=evaluated, by=secretary, comment="Cụ thể, đo được")
    items = list(evaluated.items.order_by("position"))
    pledge_services.pledge_self_assess(
        pledge=evaluated,
        assessments=[AssessmentInput(items[0].pk, "done", "Cả năm"), AssessmentInput(items[1].pk, "partly")],
    )
    pledge_services.pledge_evaluate(pledge=evaluated, evaluation="good", comment="Gương mẫu", by=secretary)
    pledge_services.pledge_create(person=binh, year=YEAR, items=[ItemInput("Học tiếng Anh")])
    returned = pledge_services.pledge_create(person=chi, year=YEAR, items=[ItemInput("Chung chung")], submit=True)
    pledge_services.pledge_return(pledge=returned, comment="Cần ghi chỉ tiêu", by=secretary)
    youth = PersonFactory(organization=world.cell_a2, full_name="Hồ Thị Em", category=PersonCategory.YOUTH_UNION)
    late = pledge_services.pledge_create(person=youth, year=YEAR, items=[ItemInput("Tình nguyện")], submit=True)
    Pledge.objects.filter(pk=late.pk).update(on_time=False)
    pledge_services.collective_pledge_create(
        organization=world.committee_a, year=YEAR, items=[ItemInput("Chuyển đổi số"), ItemInput("Nêu gương")]
    )
    # Lê Văn Dũng studied in Chi bộ A2 in January, then moved to the other committee.
    moved = PersonFactory(organization=world.cell_a2, full_name="Lê Văn Dũng")
    session_create(
        organization=world.cell_a2,
        data=SessionInput(
            held_on=datetime.date(YEAR, 1, 20),
            kind=SessionKind.STUDY,
            topic="Học chuyên đề năm",
            theme=theme,
            attendee_ids=[youth.pk, moved.pk],
        ),
    )
    committee_services.person_transfer(person=moved, organization=world.cell_b1, on=datetime.date(YEAR, 2, 1))
    session_create(
        organization=world.cell_a1,
        data=SessionInput(
            held_on=datetime.date(YEAR, 3, 10),
            kind=SessionKind.THEMATIC,
            topic="Sinh hoạt quý I",
            attendee_ids=[an.pk, binh.pk],
            extra_others=2,
            note="Mời đại diện công đoàn",
        ),
    )
    session_create(
        organization=world.committee_a,
        data=SessionInput(
            held_on=datetime.date(YEAR, 3, 1),
            kind=SessionKind.ONLINE,
            topic="Hội nghị trực tuyến",
            extra_party_members=40,
            extra_union_members=12,
            bridge_points=5,
        ),
    )
    exemplar_save(
        organization=world.cell_a1,
        year=YEAR,
        name="Văn phòng không giấy",
        status=Exemplar.Status.REPLICATED,
        description="Số hóa hồ sơ",
        people=[an, binh],
    )
    commendation_save(
        organization=world.cell_a1,
        data=CommendationInput(
            year=YEAR,
            form="praise",
            recipient_person=an,
            status=Commendation.Status.GRANTED,
            decision_number="12-QĐ/ĐU",
            decision_date=datetime.date(YEAR, 3, 1),
            authority="Đảng ủy Sở",
        ),
        by=world.a_clerk,
    )
    commendation_save(
        organization=world.committee_a,
        data=CommendationInput(
            year=YEAR,
            form="province_chair",
            recipient_organization=world.cell_a2,
            proposed_to=world.bloc,
        ),
        by=world.a_clerk,
    )
    report = report_services.report_open(organization=world.committee_a, year=YEAR)
    report_services.report_update(report=report, data={"strengths": "Đoàn kết"}, expected_version=None)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.render_request(report=report, format="pdf", by=world.a_clerk)
    report_services.report_finalize(report=report, by=world.a_clerk)
    # Outside the backup: another committee's records, another year's.
    pledge_services.pledge_create(person=world.people_b1[0], year=YEAR, items=[ItemInput("Khác")], submit=True)
    with time_machine.travel(datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC), tick=False):
        pledge_services.pledge_create(person=binh, year=2023, items=[ItemInput("Năm trước")], submit=True)
    return {"moved": moved, "youth": youth}


def export_text(organization, year=YEAR) -> str:
    out = io.StringIO()
    export_year(organization=organization, year=year, out=out)
    return out.getvalue()


def figures(organization_id: int) -> dict:
    organization = Organization.objects.get(pk=organization_id)
    return organization_year_figures(organization=organization, year=YEAR).to_dict()


def wipe_year(organization, year=YEAR) -> None:
    """Delete the year's records of the subtree, as an accident would."""
    root = OrganizationYear.objects.get(organization=organization, year=year)
    subtree = OrganizationYear.objects.filter(subtree_q(root.path), year=year).values("organization_id")
    reports = Report.objects.filter(organization_id__in=subtree, year=year)
    reports.update(final_render=None)
    ReportRender.objects.filter(report__in=reports).delete()
    reports.delete()
    Pledge.objects.filter(organization_id__in=subtree, year=year).delete()
    StudySession.objects.filter(organization_id__in=subtree, held_on__year=year).delete()
    for model in (Exemplar, Commendation, Plan):
        model.objects.filter(organization_id__in=subtree, year=year).delete()


def record_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Pledge, PledgeItem, StudySession, Exemplar, Commendation, Report, ReportRender, Plan)
    } | {"history": Pledge.history.count(), "users": get_user_model().objects.count()}


def refused(text: str, match: str) -> None:
    with pytest.raises(BackupRejected) as caught:
        import_year(document=read_document(io.StringIO(text)))
    assert any(match in message for message in caught.value.messages), caught.value.messages


# --- what is written ------------------------------------------------------------------------


def test_export_holds_the_year_of_the_subtree_and_what_it_leans_on(world, year_data):
    document = json.loads(export_text(world.committee_a))
    sections = document["sections"]

    def column(section, name):
        index = sections[section]["fields"].index(name)
        return [row[index] for row in sections[section]["rows"]]

    assert (document["format_version"], document["organization"], document["year"]) == (1, world.committee_a.pk, YEAR)
    subtree = {world.committee_a.pk, world.cell_a1.pk, world.cell_a2.pk}
    assert set(column("organization_years", "organization")) == subtree | {world.province.pk, world.bloc.pk}
    assert set(column("pledges", "organization")) == subtree
    assert len(column("pledges", "id")) == 5 and set(column("pledges", "year")) == {YEAR}
    assert column("pledges", "reviewed_by").count("a1_secretary") == 2
    assert sorted(column("pledges", "state")) == ["draft", "draft", "evaluated", "returned", "submitted"]
    assert len(column("pledge_items", "id")) == 7
    assert len(column("session_attendees", "person")) == 4
    assert column("exemplar_people", "person") == sorted(p.pk for p in world.people_a1[:2])
    assert column("superior_plans", "organization") == [world.bloc.pk]
    assert column("report_renders", "state") == ["ready"]
    assert len(column("directives", "id")) == 5  # 20-KH/ĐU, and what it implements, up to 05-CT/TW
    # The person who moved out: his memberships of the year, his current organization placed in the tree.
    moved = year_data["moved"]
    assert column("memberships", "person").count(moved.pk) == 2
    assert {world.cell_b1.pk, world.committee_b.pk} <= set(column("organizations", "id"))
    assert world.people_b1[0].pk not in column("people", "id")


def test_every_field_of_an_exported_model_is_a_column_or_explained():
    for section in SECTIONS:
        model_fields = {field.name for field in section.model._meta.concrete_fields}
        explained = set(section.fields) | set(NOT_EXPORTED.get(section.model, {}))
        assert model_fields == explained, section.name


# --- back identically -----------------------------------------------------------------------


def test_round_trip_into_the_same_database(world, year_data):
    before_text = export_text(world.committee_a)
    before = {org: figures(org) for org in (world.committee_a.pk, world.bloc.pk)}
    wipe_year(world.committee_a)
    assert figures(world.committee_a.pk) != before[world.committee_a.pk]

    counts = import_year(document=read_document(io.StringIO(before_text)))

    assert counts["pledges"] == 5 and counts["pledge_items"] == 7 and counts["session_attendees"] == 4
    assert counts["organizations"] == 0 and counts["people"] == 0 and counts["users"] == 0
    assert export_text(world.committee_a) == before_text
    assert {org: figures(org) for org in before} == before
    pledge = Pledge.objects.get(person=world.people_a1[0], year=YEAR)
    assert pledge.history.first().history_change_reason == RESTORED
    session = StudySession.objects.get(topic="Sinh hoạt quý I")
    restored = session.history.first()
    assert restored.history_type == "+" and restored.history_change_reason == RESTORED
    assert {link.person_id for link in restored.attendees.all()} == {p.pk for p in world.people_a1[:2]}


@pytest.fixture
def empty_the_database():
    """Empties the database inside the test's transaction (rolled back afterwards)."""

    def empty() -> None:
        # PostgreSQL refuses TRUNCATE while checks of this transaction's inserts are pending.
        connection.check_constraints()
        call_command("flush", interactive=False, verbosity=0)

    yield empty
    # flush recreated the content types under keys the rollback forgets: drop the cached ones.
    ContentType.objects.clear_cache()


def test_round_trip_into_an_empty_database(world, year_data, empty_the_database):
    before_text = export_text(world.committee_a)
    before = figures(world.committee_a.pk)
    empty_the_database()
    assert not Organization.objects.exists()

    counts = import_year(document=read_document(io.StringIO(before_text)))

    assert counts["organizations"] == 7 and counts["people"] == 8 and counts["users"] == 2
    assert export_text(Organization.objects.get(pk=world.committee_a.pk)) == before_text
    assert figures(world.committee_a.pk) == before
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Organization.objects.get(pk=world.cell_a1.pk).path == world.cell_a1.path
    clerk = get_user_model().objects.get(username="a_clerk")
    assert not clerk.is_active and not clerk.has_usable_password()
    # New rows get new keys: the sequences moved past the imported ones.
    imported_max = Pledge.objects.order_by("-pk").values_list("pk", flat=True).first()
    cell = Organization.objects.get(pk=world.cell_a1.pk)
    person = PersonFactory(organization=cell, full_name="Người Mới")
    pledge = pledge_services.pledge_create(person=person, year=YEAR, items=[ItemInput("Việc mới")])
    assert pledge.pk > imported_max


# --- refused, nothing written ---------------------------------------------------------------


def test_importing_into_a_year_that_has_records_is_refused(world, year_data):
    text = export_text(world.committee_a)
    counts = record_counts()
    refused(text, "đã có dữ liệu trong cơ sở dữ liệu")
    assert record_counts() == counts
    wipe_year(world.committee_a)
    import_year(document=read_document(io.StringIO(text)))
    counts = record_counts()
    refused(text, "đã có dữ liệu trong cơ sở dữ liệu")  # the same file twice: refused, not duplicated
    assert record_counts() == counts


def test_a_record_re_entered_after_the_accident_is_refused(world, year_data):
    text = export_text(world.committee_a)
    wipe_year(world.committee_a)
    pledge_services.pledge_create(person=world.people_a1[0], year=YEAR, items=[ItemInput("Nhập lại")])
    counts = record_counts()
    refused(text, "đã có dữ liệu")
    assert record_counts() == counts


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"format": "lamtheobac.year", "format_version": 1, ', "không phải JSON hợp lệ (dòng 1"),
        ("[1, 2]", "không phải bản sao lưu"),
        (
            '{"format": "lamtheobac.year", "format_version": 2, "sections": {}}',
            "Phiên bản định dạng 2 không được hỗ trợ",
        ),
        (
            '{"format": "lamtheobac.year", "format_version": 1, "organization": 1, "year": 2024, "sections": {}}',
            "thiếu phần",
        ),
    ],
)
def test_files_that_are_not_backups_of_this_version_are_refused(world, text, match):
    refused(text, match)


def edited(text: str, section: str, field: str, value, row: int = 0) -> str:
    document = json.loads(text)
    part = document["sections"][section]
    part["rows"][row][part["fields"].index(field)] = value
    return json.dumps(document, ensure_ascii=False)


def test_a_reference_to_an_organization_neither_in_the_file_nor_here_is_refused(world, year_data):
    text = edited(export_text(world.committee_a), "study_sessions", "organization", 999_999)
    wipe_year(world.committee_a)
    counts = record_counts()
    refused(text, "tổ chức đảng mã 999999 không có trong tệp và cũng không có trong cơ sở dữ liệu")
    assert record_counts() == counts


def test_a_bad_value_is_refused_with_its_place(world, year_data):
    text = edited(export_text(world.committee_a), "pledges", "submitted_on", "15/03/2024")
    wipe_year(world.committee_a)
    refused(text, 'Phần “pledges”, dòng 1, cột “submitted_on”: giá trị "15/03/2024" không hợp lệ')
    text = edited(export_text(world.committee_b), "people", "full_name", None)
    refused(text, "Phần “people”, dòng 1, cột “full_name”: thiếu giá trị")


def test_a_database_refusal_half_way_rolls_everything_back(world, year_data):
    document = json.loads(export_text(world.committee_a))
    items = document["sections"]["pledge_items"]
    items["rows"][-1][items["fields"].index("content")] = ""  # the database refuses an empty item
    wipe_year(world.committee_a)
    counts = record_counts()
    refused(json.dumps(document), "vi phạm ràng buộc")
    assert record_counts() == counts


def test_a_file_of_another_database_is_refused(world, year_data):
    text = export_text(world.committee_a)
    wipe_year(world.committee_a)
    Organization.objects.filter(pk=world.cell_a1.pk).update(name="Chi bộ Khác", search_key="chi bo khac")
    refused(
        text,
        f"Tổ chức mã {world.cell_a1.pk} trong tệp là “Chi bộ Văn phòng Sở” nhưng trong cơ sở dữ liệu là “Chi bộ Khác”",
    )
    assert not Pledge.objects.filter(year=YEAR, organization=world.cell_a1).exists()


def test_an_organization_outside_that_years_tree_cannot_be_exported(world):
    with pytest.raises(BackupRejected, match="không có trong cây tổ chức năm 2019"):
        export_text(world.committee_a, year=2019)


# --- the commands ---------------------------------------------------------------------------


def test_commands_export_to_a_file_and_import_it(world, year_data, tmp_path):
    path = tmp_path / "sao-luu.json"
    call_command(
        "export_year",
        "--organization",
        str(world.committee_a.pk),
        "--year",
        str(YEAR),
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    assert json.loads(path.read_text(encoding="utf-8"))["year"] == YEAR
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*"))
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("import_year", str(path))
    wipe_year(world.committee_a)
    out = io.StringIO()
    call_command("import_year", str(path), stdout=out)
    assert "Đã nhập năm 2024" in out.getvalue()


def test_export_command_writes_to_standard_output_and_checks_its_arguments(world, year_data):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_year", "--organization", str(world.cell_a1.pk), "--year", str(YEAR), stdout=out, stderr=err)
    assert json.loads(out.getvalue())["organization"] == world.cell_a1.pk
    assert "Đã sao lưu năm 2024" in err.getvalue()
    with pytest.raises(CommandError, match="Không có tổ chức mã 999999"):
        call_command("export_year", "--organization", "999999", "--year", str(YEAR))
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("import_year", "/nonexistent/sao-luu.json")


@pytest.mark.django_db(transaction=True)
def test_export_outside_a_transaction_reads_one_snapshot(world, tmp_path):
    """The command opens its own transaction (REPEATABLE READ on PostgreSQL)."""
    pledge_services.pledge_create(person=world.people_a1[0], year=YEAR, items=[ItemInput("Một việc")], submit=True)
    path = tmp_path / "sao-luu.json"
    call_command(
        "export_year",
        "--organization",
        str(world.cell_a1.pk),
        "--year",
        str(YEAR),
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    wipe_year(world.cell_a1)
    call_command("import_year", str(path), stdout=io.StringIO())
    assert Pledge.objects.get(person=world.people_a1[0], year=YEAR).items.count() == 1
