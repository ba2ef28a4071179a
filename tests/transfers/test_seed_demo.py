"""The demo province command. These tests build their own data: the world fixture opens years
that the command would find already there."""

import datetime
import math
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import DateField, DateTimeField, Max
from django.test import RequestFactory
from django.utils import timezone

from committees.demo import province
from committees.demo.timeline import timeline
from committees.demo.users import DEMO_PASSWORD, DEMO_USERS
from committees.models import (
    CELL_KINDS,
    Membership,
    Organization,
    OrganizationEvent,
    OrganizationYear,
    Person,
    ReportingYear,
    Role,
    RoleAssignment,
    subtree_q,
)
from committees.years import default_year
from pledges import demo as demo_records
from pledges.models import (
    Commendation,
    CommendationForm,
    Directive,
    Exemplar,
    Plan,
    Pledge,
    PledgeState,
    SessionKind,
    StudySession,
    Theme,
)
from reports import tallies
from reports.models import TallyMark

pytestmark = pytest.mark.django_db

User = get_user_model()


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "people": Person.objects.count(),
        "memberships": Membership.objects.count(),
        "years": OrganizationYear.objects.count(),
        "reporting_years": ReportingYear.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "pledges": Pledge.objects.count(),
    }


def roles_of(username: str) -> set[tuple[str, str]]:
    return set(RoleAssignment.objects.filter(user__username=username).values_list("role", "organization__name"))


def test_refused_without_debug_or_allow_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-demo-users"):
        seed("--members", "200")
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_refuses_a_non_positive_member_count(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--members"):
        seed("--members", "0", "--no-users")
    assert not Organization.objects.exists()


def test_builds_the_province_with_demo_users(settings, client):
    settings.DEBUG = False
    output = seed("--members", "200", "--allow-demo-users")
    assert "Built the demo province" in output
    assert DEMO_PASSWORD in output

    assert roles_of("khoi") == {(Role.REVIEWER, province.BLOC_NAME)}
    assert roles_of("vanthukhoi") == {(Role.CLERK, province.BLOC_NAME)}
    assert roles_of("vanthu") == {(Role.CLERK, province.TRADE_NAME)}
    assert roles_of("bithu") == {(Role.SECRETARY, province.SECRETARY_CELL_NAME)}
    assert province.TRADE_NAME == "Đảng ủy Sở Công Thương"
    assert province.SECRETARY_CELL_NAME == "Chi bộ Văn phòng Sở Công Thương"

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    # django-axes checks each authenticate() against the request it comes with.
    for username in ("admin", *DEMO_USERS):
        user = User.objects.get(username=username)
        assert user.has_usable_password()
        request = RequestFactory().post("/dang-nhap/")
        assert client.login(request=request, username=username, password=DEMO_PASSWORD), username
        client.logout()
    assert not client.login(request=RequestFactory().post("/dang-nhap/"), username="khoi", password="sai-mat-khau")

    # the secretary is a member of the cell they lead
    bithu = User.objects.get(username="bithu")
    assert bithu.person.organization.name == province.SECRETARY_CELL_NAME
    assert bithu.person.full_name == "Nguyễn Văn Hùng"


def test_people_and_cells_follow_the_member_count(settings):
    settings.DEBUG = False
    seed("--members", "200", "--no-users")
    assert Person.objects.count() == 200
    cells = Organization.objects.filter(kind__in=CELL_KINDS)
    named_cells = len(province._cells(province._named_tree()))
    # about 20 people per chi bộ: the named tree already holds more cells than 200 people need
    assert cells.count() == max(named_cells, math.ceil(200 / province.PEOPLE_PER_CELL))
    assert cells.count() >= 10
    root = Organization.objects.get(depth=1)
    assert root.name == province.ROOT_NAME
    assert Organization.objects.filter(subtree_q(root.path)).count() == Organization.objects.count()
    problems = Organization.objects.find_problems()
    assert all(items == [] for items in problems)


def test_a_bigger_province_grows_generated_cells(settings):
    settings.DEBUG = False
    members = 1000
    seed("--members", str(members), "--no-users")
    assert Person.objects.count() == members
    cells = Organization.objects.filter(kind__in=CELL_KINDS).count()
    assert cells >= math.ceil(members / province.PEOPLE_PER_CELL)
    per_cell = Person.objects.count() / cells
    assert 15 <= per_cell <= 25


HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE_DEADLINE = datetime.date(2025, 2, 10)  # winter: the 30/4 deadline is ahead
AFTER_DEADLINE = datetime.date(2026, 11, 15)  # autumn of another year: the deadline is past
# Dates that are not records of something done: a deadline may lie ahead.
DEADLINES = {(Plan, "pledge_deadline"), (apps.get_model("pledges", "PledgeItem"), "due_on")}


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=HCM), tick=False)


def latest_dates() -> dict[str, datetime.date]:
    """The latest value of every date and datetime column of the project's models (local dates)."""
    latest = {}
    for label in ("committees", "pledges", "reports"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, DateField) or (model, field.name) in DEADLINES:
                    continue
                value = model.objects.aggregate(last=Max(field.name))["last"]
                if value is None:
                    continue
                if isinstance(field, DateTimeField):
                    value = timezone.localdate(value)
                latest[f"{model._meta.label}.{field.name}"] = value
    return latest


def personal_pledges(year: int):
    return Pledge.objects.filter(kind=Pledge.Kind.PERSONAL, year=year)


def test_years_and_the_replayed_merge(settings):
    settings.DEBUG = False
    seed("--members", "200", "--no-users")
    when = timeline()
    oldest, last, this = when.years
    years = dict(ReportingYear.objects.values_list("year", "is_closed"))
    assert years == {oldest: True, last: True, this: False}
    merged = Organization.objects.get(name=province.MERGED_CELL_NAME)
    assert merged.is_dissolved
    assert merged.merged_into.name == "Chi bộ Phòng Quản lý Thương mại"
    names_by_year = {
        year: set(OrganizationYear.objects.filter(year=year).values_list("organization__name", flat=True))
        for year in when.years
    }
    assert province.MERGED_CELL_NAME in names_by_year[oldest]
    assert province.MERGED_CELL_NAME in names_by_year[last]  # it existed until the middle of last year
    assert province.MERGED_CELL_NAME not in names_by_year[this]
    assert not Person.objects.filter(organization=merged, left_on__isnull=True).exists()


# --- the demo lives in the present --------------------------------------------------------


@pytest.mark.parametrize("today", [BEFORE_DEADLINE, AFTER_DEADLINE], ids=["before-deadline", "after-deadline"])
def test_the_demo_years_follow_today(settings, today):
    settings.DEBUG = False
    with on(today):
        output = seed("--members", "200", "--no-users")
        this = today.year
        assert dict(ReportingYear.objects.values_list("year", "is_closed")) == {
            this - 2: True,
            this - 1: True,
            this: False,
        }
        assert default_year() == this
        bloc = Organization.objects.get(name=province.BLOC_NAME)
        assert default_year(bloc) == this
        assert province.open_year() == this
    assert f"Added the records of {this - 2}, {this - 1}, {this} up to {today:%d/%m/%Y}" in output
    # The bloc closed its plans of the two past years (on the day of seeding), not this year's.
    closed = dict(Plan.objects.filter(organization=bloc).values_list("year", "is_closed"))
    assert closed == {this - 2: True, this - 1: True, this: False}
    closed_at = Plan.objects.filter(organization=bloc, is_closed=True).values_list("closed_at", flat=True)
    assert {timezone.localdate(moment) for moment in closed_at} == {today}
    # Every year has its records, and nothing is recorded in another year.
    for records in (Pledge.objects.all(), Plan.objects.all(), Theme.objects.filter(kind=Theme.Kind.YEARLY)):
        assert set(records.values_list("year", flat=True)) == {this - 2, this - 1, this}
    # The merge happened in the middle of last year.
    merge = OrganizationEvent.objects.get(kind=OrganizationEvent.Kind.MERGE)
    assert merge.effective_on == datetime.date(this - 1, 7, 1)


@pytest.mark.parametrize("today", [BEFORE_DEADLINE, AFTER_DEADLINE], ids=["before-deadline", "after-deadline"])
def test_nothing_is_dated_after_today(settings, today):
    settings.DEBUG = False
    with on(today):
        seed("--members", "200", "--no-users")
    latest = latest_dates()
    # The check covers the records that carry dates, not only what happens to be there.
    for column in (
        "pledges.Pledge.submitted_on",
        "pledges.Pledge.evaluated_at",
        "pledges.PledgeItem.assessed_on",
        "pledges.StudySession.held_on",
        "pledges.Commendation.decision_date",
        "pledges.Directive.issued_on",
        "committees.OrganizationEvent.effective_on",
        "committees.ReportingYear.closed_at",
    ):
        assert column in latest, column
    future = {column: value for column, value in latest.items() if value > today}
    assert future == {}
    # The past years are complete: every personal pledge evaluated, four thematic meetings.
    for year in (today.year - 2, today.year - 1):
        assert not personal_pledges(year).exclude(state=PledgeState.EVALUATED).exists()
        thematic = StudySession.objects.filter(held_on__year=year, kind=SessionKind.THEMATIC)
        assert {day.month for day in thematic.values_list("held_on", flat=True)} == {3, 6, 9, 12}


def test_before_the_deadline_the_year_has_just_begun(settings):
    settings.DEBUG = False
    with on(BEFORE_DEADLINE):
        seed("--members", "200", "--no-users")
    this = BEFORE_DEADLINE.year
    states = list(personal_pledges(this).values_list("state", flat=True))
    required = Person.objects.filter(exemption="").count()
    handed_in = [state for state in states if state != PledgeState.DRAFT]
    drafts = states.count(PledgeState.DRAFT)
    missing = required - len(states)
    # Part handed in, part still missing or a draft: most people have until 30/4.
    assert 0 < len(handed_in) < required / 2
    assert drafts > 0 and missing > 0
    assert not personal_pledges(this).filter(on_time=False).exists()
    assert not personal_pledges(this).filter(state=PledgeState.EVALUATED).exists()
    # No session yet (the study is on 25/3, the first thematic meeting on 20/3), no model, no
    # commendation; the year's plans (early March) are not issued: the bloc's plan has none.
    assert not StudySession.objects.filter(held_on__year=this).exists()
    assert not Exemplar.objects.filter(year=this).exists()
    assert not Commendation.objects.filter(year=this).exists()
    assert not Directive.objects.filter(issued_on__year=this).exists()
    bloc_plan = Plan.objects.get(organization__name=province.BLOC_NAME, year=this)
    assert bloc_plan.directive is None
    # Last year's cascade is complete: Tỉnh ủy, then the bloc a few days later, then the Sở.
    last = [
        (d.issuer_code, d.doc_type.code)
        for d in Directive.objects.filter(issued_on__year=this - 1).select_related("doc_type").order_by("issued_on")
    ]
    assert last == [("TU", "KH"), ("ĐUK", "KH"), ("ĐU", "KH")]
    assert Plan.objects.get(organization__name=province.BLOC_NAME, year=this - 1).directive.issuer_code == "ĐUK"


def test_after_the_deadline_most_pledges_are_in_some_late(settings):
    settings.DEBUG = False
    with on(AFTER_DEADLINE):
        seed("--members", "200", "--no-users")
    this = AFTER_DEADLINE.year
    required = Person.objects.filter(exemption="").count()
    handed_in = personal_pledges(this).exclude(state=PledgeState.DRAFT)
    assert handed_in.count() > 0.8 * required
    late = handed_in.filter(on_time=False)
    assert 0 < late.count() < handed_in.count() / 5
    assert all(day > datetime.date(this, 4, 30) for day in late.values_list("submitted_on", flat=True))
    # Three quarters' thematic meetings held; the fourth's day (20/12) has not come.
    thematic = StudySession.objects.filter(held_on__year=this, kind=SessionKind.THEMATIC)
    assert sorted({day.month for day in thematic.values_list("held_on", flat=True)}) == [3, 6, 9]
    assert Directive.objects.filter(issued_on__year=this).count() == 3
    assert Plan.objects.get(organization__name=province.BLOC_NAME, year=this).directive is not None
    # 19/5 is past: praise granted; the high awards of 30/11 are proposed, not decided.
    praise = Commendation.objects.filter(year=this, occasion=Commendation.Occasion.BIRTHDAY)
    assert praise.exists() and not praise.exclude(status=Commendation.Status.GRANTED).exists()
    awards = Commendation.objects.filter(year=this, recipient_person__isnull=True, form=CommendationForm.PROVINCE_CHAIR)
    assert awards.exists() and set(awards.values_list("status", flat=True)) == {Commendation.Status.PROPOSED}


@pytest.mark.parametrize(
    ("today", "terms"),
    [(BEFORE_DEADLINE, {(2021, 2025)}), (AFTER_DEADLINE, {(2021, 2025), (2026, 2030)})],
    ids=["one-term", "two-terms"],
)
def test_themes_cover_the_demo_years(settings, today, terms):
    settings.DEBUG = False
    with on(today):
        seed("--members", "200", "--no-users")
    assert set(Theme.objects.filter(kind=Theme.Kind.TERM).values_list("term_start", "term_end")) == terms
    titles = dict(Theme.objects.filter(kind=Theme.Kind.YEARLY).values_list("year", "title"))
    assert set(titles) == {today.year - 2, today.year - 1, today.year}
    for year, title in titles.items():
        if year in demo_records.YEAR_THEMES:
            assert title == demo_records.YEAR_THEMES[year]  # the real title where we know it
        else:
            assert title == f"Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm {year}"
    assert demo_records.term_of(2025) == (2021, 2025) and demo_records.term_of(2026) == (2026, 2030)


def test_running_twice_creates_nothing_new(settings):
    settings.DEBUG = False
    seed("--members", "200", "--allow-demo-users")
    first = counts()
    output = seed("--members", "200", "--allow-demo-users")
    assert "already present" in output
    assert counts() == first


def test_running_again_recounts_only_what_changed(settings, monkeypatch):
    """A second `make run` starts the server in seconds: no rebuild of every year, only the
    organizations marked since (here one, as an edit in the pages would mark it)."""
    settings.DEBUG = False
    output = seed("--members", "200", "--no-users")
    assert "Counted the figures of every year" in output
    cell = Organization.objects.filter(numchild=0).order_by("path").first()
    year = max(OrganizationYear.objects.values_list("year", flat=True))
    tallies.mark([(cell.pk, year)])
    rebuilt = []
    monkeypatch.setattr(tallies, "rebuild", rebuilt.append)
    output = seed("--members", "200", "--no-users")
    assert "Figures up to date (recounted what changed)" in output
    assert rebuilt == []
    assert not TallyMark.objects.exists()


def test_running_again_resets_the_demo_password(settings, client):
    settings.DEBUG = False
    seed("--members", "200", "--allow-demo-users")
    user = User.objects.get(username="khoi")
    user.set_password("mat-khau-khac")
    user.save()
    seed("--members", "200", "--allow-demo-users")
    assert client.login(request=RequestFactory().post("/dang-nhap/"), username="khoi", password=DEMO_PASSWORD)


def test_no_users_creates_no_users(settings):
    settings.DEBUG = False
    output = seed("--members", "200", "--no-users")
    assert not User.objects.exists()
    assert not RoleAssignment.objects.exists()
    assert "Demo users" not in output
    assert Person.objects.count() == 200


def test_debug_allows_demo_users_without_the_flag(settings):
    settings.DEBUG = True
    seed("--members", "200")
    assert set(DEMO_USERS) <= set(User.objects.values_list("username", flat=True))
