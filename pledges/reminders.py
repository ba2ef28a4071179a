"""Daily reminders to cell secretaries: who has not handed in a pledge, and a missing
thematic meeting near the end of a quarter.

Selectors decide what each secretary should be told; `reminders_send` mails it and records it
in `ReminderLog` (one mail per secretary per day). Queries: 3 to find the secretaries and the
thematic meetings, then about 5 per distinct cell (closed year, deadline, roster). Fine for a
daily task over a province's cells; nothing runs per person.
"""

import calendar
import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.links import absolute_reverse
from committees.models import CELL_KINDS, Organization, Person, Role, RoleAssignment
from committees.text import vietnamese_sort_key
from committees.years import default_year
from pledges.models import ReminderLog, SessionKind, StudySession
from pledges.selectors import RosterStatus, roster
from pledges.services.common import pledge_deadline, year_is_closed

logger = logging.getLogger(__name__)

PLEDGE_LEAD_DAYS = 14  # reminders start this many days before the pledge deadline
MEETING_LEAD_DAYS = 14  # and in the last this many days of a quarter
REMIND_STATUSES = (RosterStatus.MISSING, RosterStatus.DRAFT)
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


def _secretary_grants(today: datetime.date) -> list[RoleAssignment]:
    """Secretary roles on live cells, of active users with an email, not yet reminded today."""
    return list(
        RoleAssignment.objects.filter(
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


def cell_reminder(
    *, organization: Organization, today: datetime.date, year: int, meeting_held: bool = True
) -> CellReminder:
    """What to tell about one cell today; `meeting_held` says whether this quarter's thematic
    meeting took place (computed for all cells at once by the caller)."""
    deadline = None
    people: list[Person] = []
    cell_deadline = pledge_deadline(organization=organization, year=year)
    if in_pledge_window(today, deadline=cell_deadline, year=year) and not year_is_closed(
        organization=organization, year=year
    ):
        deadline = cell_deadline
        people = [
            row.person
            for row in roster(organization=organization, year=year).rows
            if row.status in REMIND_STATUSES
            and not row.person.is_exempt
            and not (row.person.left_on and row.person.left_on < today)
        ]
        people.sort(key=lambda person: vietnamese_sort_key(person.full_name))
    quarter = None
    if not meeting_held and in_meeting_window(today) and not year_is_closed(organization=organization, year=today.year):
        quarter = quarter_of(today)
    return CellReminder(
        organization=organization, year=year, deadline=deadline, people=people, quarter=quarter, today=today
    )


def reminders_due(*, today: datetime.date | None = None) -> list[SecretaryReminder]:
    """Each secretary not yet reminded today with something to be told, their cells in tree order."""
    today = today or timezone.localdate()
    year = default_year()
    grants = _secretary_grants(today)
    cells = {grant.organization_id: grant.organization for grant in grants}
    held: set[int] = set()
    if cells and in_meeting_window(today):
        held = _cells_with_thematic_meeting(list(cells.values()), quarter_of(today))
    by_cell = {
        pk: cell_reminder(organization=cell, today=today, year=year, meeting_held=pk in held)
        for pk, cell in cells.items()
    }
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


def reminder_send(*, reminder: SecretaryReminder, today: datetime.date) -> bool:
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
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.user.email], fail_silently=False)
    except Exception:
        ReminderLog.objects.filter(pk=log.pk).delete()
        raise
    return True


@dataclass
class SendResult:
    sent: int = 0
    failed: list[int] = field(default_factory=list)  # user ids whose mail could not go out


def reminders_send(*, today: datetime.date | None = None) -> SendResult:
    """Mail today's reminders; one failing address does not stop the others."""
    today = today or timezone.localdate()
    result = SendResult()
    for reminder in reminders_due(today=today):
        try:
            if reminder_send(reminder=reminder, today=today):
                result.sent += 1
        except (smtplib.SMTPException, OSError) as error:
            # A mail server's refusal usually repeats the address: log its kind and code only.
            code = getattr(error, "smtp_code", "")
            logger.warning("Reminder to user %s could not be sent: %s %s", reminder.user.pk, type(error).__name__, code)
            result.failed.append(reminder.user.pk)
        except Exception:
            logger.exception("Reminder to user %s could not be sent", reminder.user.pk)
            result.failed.append(reminder.user.pk)
    return result
