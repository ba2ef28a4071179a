"""The reporting years: which years exist, which an organization belongs to, which one a page opens on.

One definition, read by every page, year picker, the dashboard, the API and the imports:

- A year can be opened from `YEAR_MIN` up to next year (`latest_openable_year`): plans for
  next year are written in the last weeks of this one.
- A year is *open for an organization* when the organization has a row in that year's tree
  (`OrganizationYear`): it was opened for the organization's subtree, or for a unit below it
  (the organization then stands in the tree as one of its superiors). Records of an
  organization are written only in years open for it; figures of a year roll up its tree.
- The *default year* of an organization is the current calendar year when it is open for the
  organization and not closed, else the latest year open for it, else the calendar year
  (nothing opened yet: the pages then offer to open it).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Organization, OrganizationYear, ReportingYear

YEAR_MIN = 2000
# How far back a page offers to open a year (a province starting mid-term records the term).
OPENABLE_SPAN = 5


def latest_openable_year() -> int:
    return timezone.localdate().year + 1


def year_in_range(year: int) -> bool:
    """A year the application accepts at all (in a URL, a form, an import)."""
    return YEAR_MIN <= year <= latest_openable_year()


def ensure_year_in_range(year: int) -> None:
    if not year_in_range(year):
        raise ValidationError(
            _("Năm %(year)s không hợp lệ: chỉ nhận các năm từ %(first)s đến %(last)s.")
            % {"year": year, "first": YEAR_MIN, "last": latest_openable_year()}
        )


def all_years() -> list[int]:
    """Every year opened anywhere, newest first."""
    return list(ReportingYear.objects.order_by("-year").values_list("year", flat=True))


def years_of(organization: Organization) -> list[int]:
    """The years open for the organization (it stands in their tree), newest first. One query."""
    return list(
        OrganizationYear.objects.filter(organization=organization).order_by("-year").values_list("year", flat=True)
    )


def closed_years() -> set[int]:
    return set(ReportingYear.objects.filter(is_closed=True).values_list("year", flat=True))


def is_open_for(*, organization: Organization, year: int) -> bool:
    return OrganizationYear.objects.filter(organization=organization, year=year).exists()


def default_year(organization: Organization | None = None) -> int:
    """The year a page opens on: this year if open (and not closed), else the latest open one."""
    this_year = timezone.localdate().year
    years = years_of(organization) if organization is not None else all_years()
    if this_year in years and this_year not in closed_years():
        return this_year
    return years[0] if years else this_year


def year_choices(organization: Organization | None, current: int | None = None) -> list[int]:
    """What a year picker offers: the years open for the organization, plus the year shown."""
    years = set(years_of(organization) if organization is not None else all_years())
    if current is not None and year_in_range(current):
        years.add(current)
    return sorted(years, reverse=True)


def openable_years() -> list[int]:
    """The years a clerk may ask to open, newest first: next year back to a few years ago
    (older years are opened, if ever, by an administrator for the whole tree)."""
    latest = latest_openable_year()
    return list(range(latest, max(YEAR_MIN, latest - OPENABLE_SPAN) - 1, -1))


def ensure_open_for(*, organization: Organization, year: int) -> None:
    """Refuse a record of a year that is not open for the organization."""
    ensure_year_in_range(year)
    if not is_open_for(organization=organization, year=year):
        raise ValidationError(
            _(
                "Năm %(year)s chưa được mở cho “%(name)s”: văn phòng cấp ủy mở năm công tác "
                "trước khi nhập hồ sơ của năm đó."
            )
            % {"year": year, "name": organization.name}
        )
