"""Study sessions, exemplars and commendations."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Actor, Membership, Organization, Person, superior_paths
from committees.text import normalize_multiline, normalize_text
from committees.years import ensure_year_in_range
from pledges.history import stamp
from pledges.models import (
    DEFAULT_AUTHORITY,
    Commendation,
    CommendationForm,
    Exemplar,
    SessionKind,
    StudySession,
    Theme,
)
from pledges.services.common import ensure_person_in_year, ensure_writable

# --- study sessions ---------------------------------------------------------------------


@dataclass
class SessionInput:
    held_on: datetime.date
    kind: str
    topic: str
    theme: Theme | None = None
    attendee_ids: list[int] = field(default_factory=list)
    extra_party_members: int = 0
    extra_union_members: int = 0
    extra_others: int = 0
    bridge_points: int = 0
    note: str = ""


def _check_session(
    organization: Organization, data: SessionInput, *, already: frozenset[int] = frozenset()
) -> list[Person]:
    if data.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Ngày tổ chức không thể ở tương lai.")})
    ensure_year_in_range(data.held_on.year)
    ensure_writable(organization=organization, year=data.held_on.year)
    if data.kind not in SessionKind.values:
        raise ValidationError({"kind": _("Hình thức không hợp lệ.")})
    if not normalize_text(data.topic):
        raise ValidationError({"topic": _("Hãy nhập nội dung buổi học tập, sinh hoạt.")})
    if data.bridge_points and data.kind != SessionKind.ONLINE:
        raise ValidationError({"bridge_points": _("Chỉ hội nghị trực tuyến mới có điểm cầu.")})
    ids = set(data.attendee_ids)
    # Attendees are the organization's members in the session's year (as on the tick list:
    # someone who moved away later still counts), or people already recorded on the session.
    start, end = datetime.date(data.held_on.year, 1, 1), datetime.date(data.held_on.year, 12, 31)
    members = Membership.objects.filter(organization=organization, start_on__lte=end).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=start)
    )
    people = list(Person.objects.filter(pk__in=ids).filter(Q(pk__in=members.values("person_id")) | Q(pk__in=already)))
    if len(people) != len(ids):
        raise ValidationError(
            {"attendee_ids": _("Có người dự không thuộc danh sách của %(name)s.") % {"name": organization.name}}
        )
    for person in people:
        ensure_person_in_year(person=person, year=data.held_on.year)
    return people


def _apply_session(session: StudySession, data: SessionInput) -> None:
    session.held_on = data.held_on
    session.kind = data.kind
    session.topic = normalize_text(data.topic)
    session.theme = data.theme
    session.extra_party_members = data.extra_party_members
    session.extra_union_members = data.extra_union_members
    session.extra_others = data.extra_others
    session.bridge_points = data.bridge_points
    session.note = normalize_multiline(data.note)


@transaction.atomic
def session_create(*, organization: Organization, data: SessionInput, by: Actor = None) -> StudySession:
    people = _check_session(organization, data)
    session = StudySession(organization=organization, created_by=by)
    _apply_session(session, data)
    session.full_clean()
    stamp(session, by=by)
    session.save()
    session.attendees.set(people)
    return session


@transaction.atomic
def session_update(*, session: StudySession, data: SessionInput, by: Actor = None) -> StudySession:
    ensure_writable(organization=session.organization, year=session.held_on.year)
    already = frozenset(session.attendees.values_list("pk", flat=True))
    people = _check_session(session.organization, data, already=already)
    _apply_session(session, data)
    session.full_clean()
    stamp(session, by=by)
    session.save()
    session.attendees.set(people)
    return session


# --- exemplars --------------------------------------------------------------------------


@transaction.atomic
def exemplar_save(
    *,
    organization: Organization,
    year: int,
    name: str,
    status: str,
    description: str = "",
    unit: str = "",
    people: list[Person] | None = None,
    exemplar: Exemplar | None = None,
    by: Actor = None,
) -> Exemplar:
    ensure_year_in_range(year)
    ensure_writable(organization=organization, year=year)
    if exemplar is not None and exemplar.year != year:
        ensure_writable(organization=organization, year=exemplar.year)
    people = people or []
    outside = [p for p in people if not p.organization.path.startswith(organization.path)]
    if outside:
        raise ValidationError({"people": _("Cá nhân thực hiện phải thuộc %(name)s.") % {"name": organization.name}})
    exemplar = exemplar or Exemplar(organization=organization)
    exemplar.year = year
    exemplar.name = normalize_text(name)
    exemplar.description = normalize_multiline(description)
    exemplar.unit = normalize_text(unit)
    exemplar.status = status
    exemplar.full_clean()
    stamp(exemplar, by=by)
    exemplar.save()
    exemplar.people.set(people)
    return exemplar


# --- commendations ----------------------------------------------------------------------


@dataclass
class CommendationInput:
    year: int
    form: str
    recipient_person: Person | None = None
    recipient_organization: Organization | None = None
    authority: str = ""
    decision_number: str = ""
    decision_date: datetime.date | None = None
    occasion: str = Commendation.Occasion.YEAR_END
    reason: str = ""
    status: str = Commendation.Status.PROPOSED
    proposed_to: Organization | None = None


def _check_commendation(organization: Organization, data: CommendationInput) -> None:
    ensure_year_in_range(data.year)
    ensure_writable(organization=organization, year=data.year)
    if (data.recipient_person is None) == (data.recipient_organization is None):
        raise ValidationError(_("Hãy chọn đúng một đối tượng được khen: một cá nhân hoặc một tập thể."))
    if data.recipient_person is not None and not data.recipient_person.organization.path.startswith(organization.path):
        raise ValidationError(
            {"recipient_person": _("Cá nhân được khen phải thuộc %(name)s.") % {"name": organization.name}}
        )
    if data.recipient_organization is not None and not data.recipient_organization.path.startswith(organization.path):
        raise ValidationError(
            {"recipient_organization": _("Tập thể được khen phải thuộc %(name)s.") % {"name": organization.name}}
        )
    if data.decision_date and data.decision_date > timezone.localdate():
        raise ValidationError({"decision_date": _("Ngày quyết định không thể ở tương lai.")})
    if data.proposed_to is not None and data.proposed_to.path not in superior_paths(organization.path):
        raise ValidationError(
            {"proposed_to": _("Chỉ đề nghị lên tổ chức cấp trên của %(name)s.") % {"name": organization.name}}
        )
    if data.status == Commendation.Status.GRANTED and not data.decision_date:
        raise ValidationError({"decision_date": _("Khen thưởng đã có quyết định cần ghi ngày quyết định.")})
    if data.form in (CommendationForm.OTHER, CommendationForm.CERTIFICATE) and not normalize_text(data.authority):
        raise ValidationError({"authority": _("Hãy ghi cấp khen (cơ quan ra quyết định).")})


@transaction.atomic
def commendation_save(
    *, organization: Organization, data: CommendationInput, commendation: Commendation | None = None, by: Actor = None
) -> Commendation:
    """Record a proposal or a decision; who proposed it is kept."""
    if commendation is not None:
        ensure_writable(organization=commendation.organization, year=commendation.year)
    _check_commendation(organization, data)
    # Recorded where the recipient belongs (the person's organization, or the collective
    # itself), so the recipient's own lists and reports count it, and it moves on a merge.
    # _check_commendation made sure there is exactly one recipient.
    # _check_commendation made sure there is exactly one recipient.
    home = data.recipient_organization or data.recipient_person.organization  # type: ignore[union-attr]  # type: ignore[union-attr]
    if home.pk != organization.pk:
        ensure_writable(organization=home, year=data.year)
    commendation = commendation or Commendation(proposed_by=by)
    commendation.organization = home
    commendation.year = data.year
    commendation.form = data.form
    commendation.recipient_person = data.recipient_person
    commendation.recipient_organization = data.recipient_organization
    commendation.authority = normalize_text(data.authority) or DEFAULT_AUTHORITY.get(data.form, "")
    commendation.decision_number = normalize_text(data.decision_number)
    commendation.decision_date = data.decision_date
    commendation.occasion = data.occasion
    commendation.reason = normalize_multiline(data.reason)
    commendation.status = data.status
    commendation.proposed_to = data.proposed_to
    commendation.full_clean()
    stamp(commendation, by=by)
    commendation.save()
    return commendation
