"""What the reviewer's dashboard shows, derived from the statistics (never recounted here):
the headline figures with last year's, one row per child organization, and the flags the
rules of the movement raise."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pledges.models import CommendationForm
from reports import formatting
from reports.statistics import Figures

FORM_LABELS = dict(CommendationForm.choices)

HEADLINES = [
    ("people_total", _("Số người"), "number"),
    ("pledges_registered", _("Đã đăng ký"), "number"),
    ("coverage", _("Tỷ lệ đăng ký"), "percent"),
    ("on_time_rate", _("Nộp đúng hạn"), "percent"),
    ("items_done_rate", _("Việc làm theo hoàn thành"), "percent"),
    ("participation", _("Tham gia học tập chuyên đề"), "percent"),
    ("thematic_meetings", _("Buổi sinh hoạt chuyên đề"), "number"),
    ("exemplars_total", _("Mô hình, điển hình"), "number"),
    ("commendations_granted", _("Khen thưởng"), "number"),
]
COLUMNS = [
    ("name", _("Tổ chức"), "text"),
    ("people_required", _("Phải đăng ký"), "number"),
    ("pledges_registered", _("Đã đăng ký"), "number"),
    ("coverage", _("Tỷ lệ"), "percent"),
    ("on_time_rate", _("Đúng hạn"), "percent"),
    ("items_done_rate", _("Hoàn thành việc"), "percent"),
    ("participation", _("Học tập"), "percent"),
    ("thematic_meetings", _("Sinh hoạt CĐ"), "number"),
    ("exemplars_total", _("Mô hình"), "number"),
    ("commendations_granted", _("Khen thưởng"), "number"),
]
SORTABLE = {key for key, _label, _kind in COLUMNS}


def value_of(figures: Figures, key: str):
    if key == "participation":
        return figures.participation_rate()
    if key == "name":
        return figures.name
    return getattr(figures, key)


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
    key: str
    label: str
    kind: str
    value: object
    previous: object


def headlines(current: Figures, previous: Figures | None) -> list[Headline]:
    return [
        Headline(key, label, kind, value_of(current, key), value_of(previous, key) if previous else None)
        for key, label, kind in HEADLINES
    ]


@dataclass(frozen=True)
class Row:
    figures: Figures
    values: dict
    flags: list[Flag]

    @property
    def cells(self) -> list[str]:
        """The figures of the row as displayed, after the name column."""
        return [
            formatting.percent(self.values[key]) if kind == "percent" else formatting.number(self.values[key])
            for key, _label, kind in COLUMNS[1:]
        ]


def child_rows(current: Figures, *, sort: str = "name", descending: bool = False) -> list[Row]:
    rows = [
        Row(figures=child, values={key: value_of(child, key) for key, _l, _k in COLUMNS}, flags=flags_for(child))
        for child in current.children
    ]
    key = sort if sort in SORTABLE else "name"

    def order(row: Row):
        value = row.values[key]
        return (value is None, value if value is not None else 0)

    return sorted(rows, key=order, reverse=descending)


def chart_data(current: Figures, registrations: list[tuple]) -> dict:
    """Numbers behind the three charts (also shown as tables for accessibility)."""
    cumulative, total = [], 0
    for day, count in registrations:
        total += count
        cumulative.append({"date": day.strftime("%d/%m"), "iso": day.isoformat(), "count": total})
    forms = current.commendations_by_form()
    return {
        "registrations": cumulative,
        "required": current.people_required,
        "deadline": current.deadline.strftime("%d/%m"),
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
