"""Daily reminders to cell secretaries: who has not handed in a pledge, and a missing
thematic meeting near the end of a quarter.

Selectors decide what each secretary should be told, for all cells at once in a fixed number
of queries (the secretaries, the meetings held, the plans on the cells' paths, the members
and their pledges); `reminders_send` mails it over one connection and records it in
`ReminderLog` (one mail per secretary per day). The daily task hands the secretaries to chunk
tasks (pledges/tasks.py), each with its own time limit and retries.
"""

import calendar
import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.links import absolute_reverse
from committees.models import CELL_KINDS, Membership, Organization, Person, Role, RoleAssignment, ancestor_paths
from committees.text import vietnamese_sort_key
from committees.years import closed_years, default_year
from pledges.models import Plan, Pledge, PledgeState, ReminderLog, SessionKind, StudySession, default_deadline

logger = logging.getLogger(__name__)

PLEDGE_LEAD_DAYS = 14  # reminders start this many days before the pledge deadline
MEETING_LEAD_DAYS = 14  # and in the last this many days of a quarter
SUBJECT_MAX_LENGTH = 200


# --- selectors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    number: int
    start: datetime.date
    end: datetime.date


def quarter_of(day: datetime.date) -> Quarter:
    number = (day.month - 1) // 3 + 1
    last_month = number * 3
    end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return Quarter(number=number, start=datetime.date(day.year, last_month - 2, 1), end=end)


def in_meeting_window(day: datetime.date) -> bool:
    """The last MEETING_LEAD_DAYS days of the quarter, both ends included (18–31/3, 17–30/6...)."""
    return day >= quarter_of(day).end - datetime.timedelta(days=MEETING_LEAD_DAYS - 1)


def in_pledge_window(day: datetime.date, *, deadline: datetime.date, year: int) -> bool:
    """From PLEDGE_LEAD_DAYS days before the deadline until the end of the year."""
    return deadline - datetime.timedelta(days=PLEDGE_LEAD_DAYS) <= day <= datetime.date(year, 12, 31)


@dataclass(frozen=True)
class CellReminder:
    """What a secretary is told about one cell."""

    organization: Organization
    year: int
    deadline: datetime.date | None = None  # None: outside the pledge window
    people: list[Person] = field(default_factory=list)  # official-list order
    quarter: Quarter | None = None  # set when the quarter's thematic meeting is missing
    today: datetime.date | None = None

    @property
    def is_empty(self) -> bool:
        return not self.people and self.quarter is None

    @property
    def roster_url(self) -> str:
        """Where the secretary sees who has not handed in (absolute: the link leaves the site)."""
        return absolute_reverse("pledges:roster", self.organization.pk, self.year)

    @property
    def sessions_url(self) -> str:
        """Where the secretary records the quarter's thematic meeting."""
        year = self.quarter.end.year if self.quarter else self.year
        return absolute_reverse("pledges:session_list", self.organization.pk, year)

    @property
    def deadline_note(self) -> str:
        if self.deadline is None or self.today is None:
            return ""
        days = (self.deadline - self.today).days
        if days > 0:
            return ngettext("còn %(days)d ngày", "còn %(days)d ngày", days) % {"days": days}
        if days == 0:
            return _("hôm nay là hạn cuối")
        return ngettext("đã quá hạn %(days)d ngày", "đã quá hạn %(days)d ngày", -days) % {"days": -days}


@dataclass(frozen=True)
class SecretaryReminder:
    """One mail: every cell of one secretary that has something to say."""

    user: object
    cells: list[CellReminder]

    @property
    def people_count(self) -> int:
        return sum(len(cell.people) for cell in self.cells)


def _secretary_grants(today: datetime.date, user_ids: list[int] | None = None) -> list[RoleAssignment]:
    """Secretary roles on live cells, of active users with an email, not yet reminded today."""
    grants = RoleAssignment.objects.all() if user_ids is None else RoleAssignment.objects.filter(user_id__in=user_ids)
    return list(
        grants.filter(
            role=Role.SECRETARY,
            organization__kind__in=CELL_KINDS,
            organization__dissolved_on__isnull=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .exclude(user__reminder_logs__sent_on=today)
        .select_related("user", "organization")
        .order_by("user_id", "organization__path")
    )


def _cells_with_thematic_meeting(cells: list[Organization], quarter: Quarter) -> set[int]:
    return set(
        StudySession.objects.filter(
            organization__in=cells,
            kind=SessionKind.THEMATIC,
            held_on__gte=quarter.start,
            held_on__lte=quarter.end,
        ).values_list("organization_id", flat=True)
    )


@dataclass(frozen=True)
class PlanTerms:
    """What a cell's reminder takes from the plans on its path: the deadline, and whether closed."""

    deadline: datetime.date
    closed: bool


def _plan_terms(cells: list[Organization], year: int) -> dict[int, PlanTerms]:
    """For every cell, the nearest plan's deadline and whether a plan on its path closed the
    year. One query for all cells."""
    paths = {path for cell in cells for path in ancestor_paths(cell.path)}
    plans = {
        path: (deadline, closed)
        for path, deadline, closed in Plan.objects.filter(year=year, organization__path__in=paths).values_list(
            "organization__path", "pledge_deadline", "is_closed"
        )
    }
    terms = {}
    for cell in cells:
        on_path = [plans[path] for path in ancestor_paths(cell.path) if path in plans]
        deadline = on_path[0][0] if on_path else default_deadline(year)
        terms[cell.pk] = PlanTerms(deadline=deadline, closed=any(closed for _, closed in on_path))
    return terms


def _people_to_remind(cells: list[Organization], year: int, today: datetime.date) -> dict[int, list[Person]]:
    """Per cell, its members of `year` with no pledge or only a draft (not exempt, not gone
    before today), in official-list order. Two queries for all cells."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    memberships = Membership.objects.filter(organization__in=cells, start_on__lte=end).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=start)
    )
    states = dict(
        Pledge.objects.filter(
            kind=Pledge.Kind.PERSONAL, year=year, person_id__in=memberships.values("person_id")
        ).values_list("person_id", "state")
    )
    found: dict[int, dict[int, Person]] = {}
    for membership in memberships.select_related("person"):
        person = membership.person
        if person.is_exempt or (person.left_on and person.left_on < today):
            continue
        if states.get(person.pk, PledgeState.DRAFT) == PledgeState.DRAFT:  # none yet, or a draft
            found.setdefault(membership.organization_id, {})[person.pk] = person
    return {
        cell_id: sorted(people.values(), key=lambda person: vietnamese_sort_key(person.full_name))
        for cell_id, people in found.items()
    }


def cell_reminders(
    cells: list[Organization], *, today: datetime.date, year: int, held: set[int]
) -> dict[int, CellReminder]:
    """What to tell about each cell today, worked out for all of them at once (a fixed number of
    queries, whatever the number of cells); `held`: cells whose quarter's thematic meeting took place."""
    terms = _plan_terms(cells, year)
    this_year_terms = terms if today.year == year else _plan_terms(cells, today.year)
    closed = closed_years()
    in_window = [
        cell
        for cell in cells
        if in_pledge_window(today, deadline=terms[cell.pk].deadline, year=year)
        and not terms[cell.pk].closed
        and year not in closed
    ]
    people = _people_to_remind(in_window, year, today) if in_window else {}
    meeting_due = in_meeting_window(today) and today.year not in closed
    reminders = {}
    for cell in cells:
        windowed = cell in in_window
        quarter = None
        if meeting_due and cell.pk not in held and not this_year_terms[cell.pk].closed:
            quarter = quarter_of(today)
        reminders[cell.pk] = CellReminder(
            organization=cell,
            year=year,
            deadline=terms[cell.pk].deadline if windowed else None,
            people=people.get(cell.pk, []) if windowed else [],
            quarter=quarter,
            today=today,
        )
    return reminders


def reminders_due(*, today: datetime.date | None = None, user_ids: list[int] | None = None) -> list[SecretaryReminder]:
    """Each secretary not yet reminded today with something to be told, their cells in tree
    order (only the secretaries `user_ids`, when given: one chunk of the daily run)."""
    today = today or timezone.localdate()
    year = default_year()
    grants = _secretary_grants(today, user_ids)
    cells = {grant.organization_id: grant.organization for grant in grants}
    held: set[int] = set()
    if cells and in_meeting_window(today):
        held = _cells_with_thematic_meeting(list(cells.values()), quarter_of(today))
    by_cell = cell_reminders(list(cells.values()), today=today, year=year, held=held) if cells else {}
    # Grants come ordered by user then tree path: group them into one mail per user.
    mails: dict[int, SecretaryReminder] = {}
    for grant in grants:
        cell = by_cell[grant.organization_id]
        if not cell.is_empty:
            mails.setdefault(grant.user_id, SecretaryReminder(user=grant.user, cells=[])).cells.append(cell)
    return list(mails.values())


# --- service -----------------------------------------------------------------------------


def reminder_subject(*, reminder: SecretaryReminder, today: datetime.date) -> str:
    prefix = _("[Làm theo Bác] Nhắc việc ngày %(day)s") % {"day": today.strftime("%d/%m/%Y")}
    names = ", ".join(cell.organization.display_name for cell in reminder.cells)
    subject = f"{prefix} – {names}"
    if len(subject) > SUBJECT_MAX_LENGTH:
        count = len(reminder.cells)
        subject = f"{prefix} – " + ngettext("%(count)d chi bộ", "%(count)d chi bộ", count) % {"count": count}
    return subject


def reminder_body(*, reminder: SecretaryReminder, today: datetime.date) -> str:
    user = reminder.user
    body = render_to_string(
        "pledges/email/reminder.txt",
        {"today": today, "cells": reminder.cells, "recipient": user.get_full_name() or user.get_username()},
    )
    # Template tags leave blank lines behind: keep at most one between paragraphs.
    lines: list[str] = []
    for line in body.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def reminder_send(*, reminder: SecretaryReminder, today: datetime.date, connection=None) -> bool:
    """Record, then mail. Returns False when this secretary was already reminded today.

    The log is written (and committed) before the mail goes out, so a crash or a retry never
    mails twice; when the mail fails the log is removed so a retry or tomorrow's run can send.
    """
    subject = reminder_subject(reminder=reminder, today=today)
    body = reminder_body(reminder=reminder, today=today)
    with transaction.atomic():
        log, created = ReminderLog.objects.get_or_create(
            user=reminder.user,
            sent_on=today,
            defaults={
                "organization": reminder.cells[0].organization,
                "subject": subject,
                "body": body,
                "people_count": reminder.people_count,
            },
        )
    if not created:
        return False
    try:
        send_mail(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [reminder.user.email],
            fail_silently=False,
            connection=connection,
        )
    except Exception:
        ReminderLog.objects.filter(pk=log.pk).delete()
        raise
    return True


@dataclass
class SendResult:
    sent: int = 0
    failed: list[int] = field(default_factory=list)  # user ids whose mail could not go out


def recipients_due(*, today: datetime.date | None = None) -> list[int]:
    """The secretaries to remind today (user ids, in order), for the daily task to split in chunks."""
    return [reminder.user.pk for reminder in reminders_due(today=today)]


def reminders_send(*, today: datetime.date | None = None, user_ids: list[int] | None = None) -> SendResult:
    """Mail today's reminders (to `user_ids` only, when given) over one mail connection; one
    failing address does not stop the others."""
    today = today or timezone.localdate()
    result = SendResult()
    due = reminders_due(today=today, user_ids=user_ids)
    if not due:
        return result
    with get_connection() as connection:
        for reminder in due:
            _send_one(reminder, today, connection, result)
    return result


def _send_one(reminder: SecretaryReminder, today: datetime.date, connection, result: SendResult) -> None:
    try:
        if reminder_send(reminder=reminder, today=today, connection=connection):
            result.sent += 1
    except (smtplib.SMTPException, OSError) as error:
        # A mail server's refusal usually repeats the address: log its kind and code only.
        code = getattr(error, "smtp_code", "")
        logger.warning("Reminder to user %s could not be sent: %s %s", reminder.user.pk, type(error).__name__, code)
        result.failed.append(reminder.user.pk)
    except Exception:
        logger.exception("Reminder to user %s could not be sent", reminder.user.pk)
        result.failed.append(reminder.user.pk)
