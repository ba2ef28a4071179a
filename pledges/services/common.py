"""Rules shared by every record: a closed year and a dissolved organization are read-only."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import Organization, Person, ancestor_paths
from committees.signals import records_changed
from committees.years import closed_years, ensure_open_for
from pledges.models import Commendation, Exemplar, Plan, Pledge, StudySession, default_deadline


def plan_for(*, organization: Organization, year: int) -> Plan | None:
    """The plan governing `organization` in `year`: its own, or the nearest superior's."""
    paths = ancestor_paths(organization.path)
    plans = {
        p.organization.path: p
        for p in Plan.objects.filter(year=year, organization__path__in=paths).select_related("organization")
    }
    return next((plans[path] for path in paths if path in plans), None)


def year_is_closed(*, organization: Organization, year: int) -> bool:
    """A year is closed for an organization when it or any superior closed it."""
    return Plan.objects.filter(
        year=year, organization__path__in=ancestor_paths(organization.path), is_closed=True
    ).exists()


def pledge_deadline(*, organization: Organization, year: int) -> datetime.date:
    plan = plan_for(organization=organization, year=year)
    return plan.pledge_deadline if plan else default_deadline(year)


def ensure_writable(*, organization: Organization, year: int) -> None:
    """Refuse any change to records of a dissolved organization, of a year not open for it,
    or of a closed year."""
    if organization.is_dissolved:
        raise ValidationError(
            _("“%(name)s” đã giải thể: không thể ghi thêm hoặc sửa hồ sơ.") % {"name": organization.name}
        )
    ensure_open_for(organization=organization, year=year)
    if year in closed_years() or year_is_closed(organization=organization, year=year):
        raise ValidationError(
            _("Năm %(year)s đã khóa sổ: hồ sơ chỉ còn xem được. Văn phòng cấp ủy có thể mở lại nếu cần.")
            % {"year": year}
        )


def ensure_person_in_year(*, person: Person, year: int) -> None:
    if person.left_on and person.left_on < datetime.date(year, 1, 1):
        raise ValidationError(
            _("%(name)s đã rời tổ chức ngày %(date)s, trước năm %(year)s.")
            % {"name": person.full_name, "date": person.left_on.strftime("%d/%m/%Y"), "year": year}
        )
    if person.joined_on and person.joined_on > datetime.date(year, 12, 31):
        raise ValidationError(_("%(name)s vào tổ chức sau năm %(year)s.") % {"name": person.full_name, "year": year})


@transaction.atomic
def records_follow_merge(*, source: Organization, target: Organization, years: list[int]) -> None:
    """After a merge, records of the open `years` move with the people; closed years keep theirs."""
    if not years:
        return
    Pledge.objects.filter(organization=source, year__in=years, kind=Pledge.Kind.PERSONAL).update(organization=target)
    StudySession.objects.filter(organization=source, held_on__year__in=years).update(organization=target)
    Exemplar.objects.filter(organization=source, year__in=years).update(organization=target)
    Commendation.objects.filter(organization=source, year__in=years).update(organization=target)
    records_changed.send(sender=Pledge, organization_ids={source.pk, target.pk}, years=list(years))
