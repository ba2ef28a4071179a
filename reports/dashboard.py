"""What the reviewer's dashboard shows, derived from the statistics (never recounted here):
the headline figures with last year's, one row per child organization, and the flags the
rules of the movement raise."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees import formatting
from pledges.models import CommendationForm
from reports import measures
from reports.measures import Measure
from reports.statistics import Figures

FORM_LABELS = dict(CommendationForm.choices)

# What the dashboard shows, by key of reports/measures.py: the cards at the top (full labels,
# with last year's value) and the columns of the children's table (short labels), after the
# organization's name.
HEADLINE_KEYS = [
    "people_total",
    "pledges_registered",
    "coverage",
    "on_time_rate",
    "items_done_rate",
    "participation_rate",
    "thematic_meetings",
    "exemplars_total",
    "commendations_granted",
]
COLUMN_KEYS = [
    "people_required",
    "pledges_registered",
    "coverage",
    "on_time_rate",
    "pledges_returned",
    "items_done_rate",
    "participation_rate",
    "thematic_meetings",
    "exemplars_total",
    "commendations_granted",
]
HEADLINES = measures.select(HEADLINE_KEYS)
COLUMNS = measures.select(COLUMN_KEYS)
NAME = "name"  # the first column, and the default order
NAME_LABEL = _("Tổ chức")
SORTABLE = {NAME, *COLUMN_KEYS}
# The table's header: (sort key, label, numeric).
HEADER = [(NAME, NAME_LABEL, False), *((measure.key, measure.column_label, True) for measure in COLUMNS)]


@dataclass(frozen=True)
class Flag:
    level: str  # danger | warning
    text: str


def flags_for(figures: Figures) -> list[Flag]:
    """What the rules require and is not met: full pledge coverage after the deadline, enough
    thematic meetings for the quarters past, at least one model per cell."""
    flags = []
    today = timezone.localdate()
    if figures.people_required and (figures.coverage or 0) < 1 and today > figures.deadline:
        flags.append(Flag("danger", _("Chưa đủ bản đăng ký sau hạn")))
    if figures.cells_behind_meetings:
        flags.append(
            Flag("warning", _("%(n)s chi bộ thiếu buổi sinh hoạt chuyên đề") % {"n": figures.cells_behind_meetings})
        )
    if figures.cells_without_exemplar:
        flags.append(Flag("warning", _("%(n)s chi bộ chưa có mô hình") % {"n": figures.cells_without_exemplar}))
    return flags


@dataclass(frozen=True)
class Headline:
    measure: Measure
    value: object
    previous: object

    @property
    def key(self) -> str:
        return self.measure.key

    @property
    def label(self):
        return self.measure.label

    @property
    def text(self) -> str:
        return self.measure.text(self.value)

    @property
    def previous_text(self) -> str:
        return self.measure.text(self.previous)


def headlines(current: Figures, previous: Figures | None) -> list[Headline]:
    return [
        Headline(measure, measure.read(current), measure.read(previous) if previous else None) for measure in HEADLINES
    ]


@dataclass(frozen=True)
class Row:
    figures: Figures
    values: dict  # key → value of each column, the name included (for sorting)
    flags: list[Flag]

    @property
    def cells(self) -> list[str]:
        """The figures of the row as displayed, after the name column."""
        return [measure.text(self.values[measure.key]) for measure in COLUMNS]


def child_rows(current: Figures, *, sort: str = NAME, descending: bool = False) -> list[Row]:
    rows = [Row(figures=child, values=_values(child), flags=flags_for(child)) for child in current.children]
    key = sort if sort in SORTABLE else NAME

    def order(row: Row):
        value = row.values[key]
        return (value is None, value if value is not None else 0)

    return sorted(rows, key=order, reverse=descending)


def _values(figures: Figures) -> dict:
    values = {measure.key: measure.read(figures) for measure in COLUMNS}
    values[NAME] = figures.name
    return values


def chart_data(current: Figures, registrations: list[tuple]) -> dict:
    """Numbers behind the three charts (also shown as tables for accessibility)."""
    cumulative, total = [], 0
    for day, count in registrations:
        total += count
        cumulative.append({"date": day.strftime("%d/%m"), "iso": day.isoformat(), "count": total})
    forms = current.commendations_by_form()
    deadline = current.deadline.strftime("%d/%m")
    return {
        # The charts' own words, translated here: the script only draws.
        "labels": {
            "submitted": str(_("Đã nộp (lũy kế)")),
            "required": str(_("Phải đăng ký (hạn %(date)s)") % {"date": deadline}),
            "coverage": str(_("Tỷ lệ đăng ký (%)")),
            "collective": str(_("Tập thể")),
            "person": str(_("Cá nhân")),
        },
        "registrations": cumulative,
        "required": current.people_required,
        "deadline": deadline,
        "deadline_iso": current.deadline.isoformat(),
        "coverage": [_coverage_point(child) for child in current.children],
        "commendations": [
            {"form": str(FORM_LABELS.get(form, form)), "collective": counts["collective"], "person": counts["person"]}
            for form, counts in forms.items()
        ],
    }


def _coverage_point(child: Figures) -> dict:
    value = round((child.coverage or 0) * 100, 1)
    return {"name": child.name, "value": value, "text": formatting.number(value, 1)}
