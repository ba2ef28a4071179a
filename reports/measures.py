"""Every figure the product shows, declared once: its key, its Vietnamese label, its kind and
how it is read from `Figures`.

The registry `MEASURES` is what the figures snapshot (`Figures.to_dict`, stored with each
rendered report and returned by the API), the dashboard, the report's appendix (PDF, Word,
Excel) and the Excel summary select from: each of them only lists the keys it shows. A
figure that can be derived from the counts `Figures` already reads is one `Measure` here,
plus its key in the lists of the places that show it.

Counting stays in reports/counting.py and reading in reports/statistics.py; a measure only
picks a value out of `Figures`. How a value is shown follows from its kind (a percent is
never printed as a count), never from its key.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from committees import formatting
from pledges.models import Exemplar, PledgeState, SessionKind

if TYPE_CHECKING:
    from reports.statistics import Figures


class Kind(StrEnum):
    COUNT = "count"  # an integer: 8.842
    PERCENT = "percent"  # a ratio, None when there is nothing to divide by: 99,5%
    DATE = "date"  # a date: 31/03/2024; ISO in the snapshot
    TEXT = "text"
    # A dict of counts by category (pledges by form, ...): kept in the snapshot; documents
    # that list it show one line per entry, labelled by `parts`.
    MAPPING = "mapping"


# The year-end evaluation levels, as documents write them.
EVALUATION_PHRASES = {
    "excellent": "hoàn thành xuất sắc nhiệm vụ",
    "good": "hoàn thành tốt nhiệm vụ",
    "complete": "hoàn thành nhiệm vụ",
    "incomplete": "không hoàn thành nhiệm vụ",
}


def _text(value) -> str:
    return "" if value is None else str(value)


def _not_shown(value) -> str:
    raise TypeError("A mapping is shown one entry at a time (Measure.entries), not as one value.")


FORMATTERS: dict[Kind, Callable[[object], str]] = {
    Kind.COUNT: formatting.number,
    Kind.PERCENT: formatting.percent,
    Kind.DATE: formatting.short_date,
    Kind.TEXT: _text,
    Kind.MAPPING: _not_shown,
}


@dataclass(frozen=True)
class Measure:
    """One figure: `read` picks its value out of an organization's `Figures`."""

    key: str
    label: str | Promise  # the full label, as a clerk reads it (headlines, summaries)
    kind: Kind
    read: Callable[["Figures"], object]
    short: str | Promise | None = None  # for narrow table columns
    parts: Mapping[str, str | Promise] | None = None  # labels of a MAPPING's entries

    @property
    def column_label(self) -> str | Promise:
        return self.short or self.label

    @property
    def is_percent(self) -> bool:
        return self.kind == Kind.PERCENT

    def text(self, value) -> str:
        """The value as Vietnamese text, by kind: 8.842, 99,5%, 31/03/2024; "–" when unknown."""
        return FORMATTERS[self.kind](value)

    def json(self, value):
        """The value as the snapshot keeps it: dates in ISO form, everything else as read."""
        if self.kind == Kind.DATE and value is not None:
            return value.isoformat()
        return value

    def entries(self, figures: "Figures") -> list[tuple[str, object]]:
        """A MAPPING's entries as (label, count), in the order of `parts`."""
        values = self.read(figures)
        return [(f"{self.label}: {label}", values.get(part, 0)) for part, label in (self.parts or {}).items()]


COUNT, PERCENT, DATE, MAPPING = Kind.COUNT, Kind.PERCENT, Kind.DATE, Kind.MAPPING

# In the order of the snapshot (`Figures.to_dict`).
MEASURES: dict[str, Measure] = {
    measure.key: measure
    for measure in [
        # --- people
        Measure(
            "people_total",
            _("Tổng số cán bộ, đảng viên, quần chúng"),
            COUNT,
            lambda f: f.people_total,
            short=_("Số người"),
        ),
        Measure(
            "people_required",
            _("Số người phải đăng ký làm theo"),
            COUNT,
            lambda f: f.people_required,
            short=_("Phải đăng ký"),
        ),
        Measure(
            "people_exempt", _("Số người được miễn đăng ký"), COUNT, lambda f: f.people_exempt, short=_("Được miễn")
        ),
        Measure("party_members", _("Số đảng viên"), COUNT, lambda f: f.party_members, short=_("Đảng viên")),
        # --- personal pledges
        Measure(
            "pledges_registered",
            _("Số bản đăng ký cá nhân đã nộp"),
            COUNT,
            lambda f: f.pledges_registered,
            short=_("Đã đăng ký"),
        ),
        Measure(
            "pledges_by_form",
            _("Bản đăng ký đã nộp theo mẫu"),
            MAPPING,
            lambda f: f.pledges_by_form(),
            parts={form: f"mẫu {form}" for form in ("01", "2A", "2B")},
        ),
        Measure(
            "pledges_by_state",
            _("Bản đăng ký cá nhân theo trạng thái"),
            MAPPING,
            lambda f: f.pledges_by_state(),
            parts=dict(PledgeState.choices),
        ),
        Measure("pledges_on_time", _("Số bản nộp đúng hạn"), COUNT, lambda f: f.pledges_on_time, short=_("Đúng hạn")),
        Measure("pledges_late", _("Số bản nộp muộn"), COUNT, lambda f: f.pledges_late, short=_("Nộp muộn")),
        Measure(
            "pledges_returned",
            _("Số bản đăng ký bị trả lại để sửa"),
            COUNT,
            lambda f: f.pledges_by_state()[PledgeState.RETURNED],
            short=_("Trả lại để sửa"),
        ),
        Measure(
            "pledges_missing", _("Số người chưa đăng ký"), COUNT, lambda f: f.pledges_missing, short=_("Chưa đăng ký")
        ),
        Measure("coverage", _("Tỷ lệ đăng ký"), PERCENT, lambda f: f.coverage, short=_("Tỷ lệ")),
        Measure("on_time_rate", _("Tỷ lệ nộp đúng hạn"), PERCENT, lambda f: f.on_time_rate, short=_("Tỷ lệ đúng hạn")),
        # --- items
        Measure(
            "items_total",
            _("Tổng số việc làm theo của cá nhân"),
            COUNT,
            lambda f: f.items_total,
            short=_("Việc làm theo"),
        ),
        Measure("items_done", _("Số việc hoàn thành"), COUNT, lambda f: f.items_done, short=_("Hoàn thành")),
        Measure("items_partly", _("Số việc hoàn thành một phần"), COUNT, lambda f: f.items_partly, short=_("Một phần")),
        Measure(
            "items_not_done",
            _("Số việc chưa hoàn thành"),
            COUNT,
            lambda f: f.items_not_done,
            short=_("Chưa hoàn thành"),
        ),
        Measure(
            "items_done_rate",
            _("Tỷ lệ việc hoàn thành"),
            PERCENT,
            lambda f: f.items_done_rate,
            short=_("Hoàn thành việc"),
        ),
        Measure("collective_pledges", _("Số tập thể cấp ủy đăng ký"), COUNT, lambda f: f.collective_pledges),
        Measure("collective_items", _("Số việc làm theo của tập thể"), COUNT, lambda f: f.collective_items),
        Measure(
            "evaluations",
            _("Đánh giá cuối năm"),
            MAPPING,
            lambda f: f.evaluations(),
            parts=EVALUATION_PHRASES,
        ),
        # --- sessions and participation
        Measure(
            "sessions_by_kind",
            _("Số cuộc học tập, sinh hoạt theo hình thức"),
            MAPPING,
            lambda f: f.sessions_by_kind(),
            parts=dict(SessionKind.choices),
        ),
        Measure(
            "sessions_total",
            _("Số cuộc học tập, quán triệt, sinh hoạt chuyên đề"),
            COUNT,
            lambda f: f.sessions_total,
            short=_("Buổi học tập, sinh hoạt"),
        ),
        Measure(
            "thematic_meetings",
            _("Số buổi sinh hoạt chuyên đề của chi bộ"),
            COUNT,
            lambda f: f.thematic_meetings,
            short=_("Sinh hoạt CĐ"),
        ),
        Measure("attendees_total", _("Tổng số lượt người dự"), COUNT, lambda f: f.attendees_total, short=_("Lượt dự")),
        Measure("attendees_party", _("Lượt đảng viên dự"), COUNT, lambda f: f.attendees_party),
        Measure(
            "attendees_non_party", _("Lượt đoàn viên, hội viên, quần chúng dự"), COUNT, lambda f: f.attendees_non_party
        ),
        Measure("bridge_points", _("Số điểm cầu trực tuyến"), COUNT, lambda f: f.bridge_points, short=_("Điểm cầu")),
        Measure(
            "participation_rate",
            _("Tỷ lệ tham gia học tập chuyên đề"),
            PERCENT,
            lambda f: f.participation_rate(),
            short=_("Học tập"),
        ),
        Measure(
            "participation_rate_party",
            _("Tỷ lệ đảng viên tham gia học tập chuyên đề"),
            PERCENT,
            lambda f: f.participation_rate("party"),
        ),
        Measure(
            "participation_rate_union",
            _("Tỷ lệ đoàn viên, hội viên tham gia học tập chuyên đề"),
            PERCENT,
            lambda f: f.participation_rate("union"),
        ),
        # --- exemplars, units, commendations
        Measure(
            "exemplars_by_status",
            _("Mô hình, điển hình theo tình trạng"),
            MAPPING,
            lambda f: f.exemplars_by_status(),
            parts=dict(Exemplar.Status.choices),
        ),
        Measure("exemplars_total", _("Số mô hình, điển hình"), COUNT, lambda f: f.exemplars_total, short=_("Mô hình")),
        Measure("cells", _("Số chi bộ"), COUNT, lambda f: f.cells, short=_("Chi bộ")),
        Measure("cells_without_exemplar", _("Số chi bộ chưa có mô hình"), COUNT, lambda f: f.cells_without_exemplar),
        Measure(
            "cells_behind_meetings",
            _("Số chi bộ chưa đủ buổi sinh hoạt chuyên đề"),
            COUNT,
            lambda f: f.cells_behind_meetings,
        ),
        Measure(
            "commendations_granted",
            _("Số lượt khen thưởng"),
            COUNT,
            lambda f: f.commendations_granted,
            short=_("Khen thưởng"),
        ),
        Measure(
            "commendations_person",
            _("Số cá nhân được khen thưởng"),
            COUNT,
            lambda f: f.commendation_count(recipient="person"),
        ),
        Measure(
            "commendations_collective",
            _("Số tập thể được khen thưởng"),
            COUNT,
            lambda f: f.commendation_count(recipient="collective"),
        ),
        # Form → {"person": n, "collective": n}: kept in the snapshot, shown by its own sheet.
        Measure("commendations_by_form", _("Khen thưởng theo hình thức"), MAPPING, lambda f: f.commendations_by_form()),
        Measure("proposals", _("Số đề nghị cấp trên khen thưởng"), COUNT, lambda f: f.proposals, short=_("Đề nghị")),
        # --- the year's plan
        Measure("deadline", _("Hạn nộp bản đăng ký"), DATE, lambda f: f.deadline, short=_("Hạn nộp")),
        Measure(
            "required_meetings",
            _("Số buổi sinh hoạt chuyên đề phải tổ chức"),
            COUNT,
            lambda f: f.required_meetings,
        ),
    ]
}


def select(keys: Iterable[str]) -> list[Measure]:
    """The measures of `keys`, in that order; an unknown key fails loudly."""
    return [MEASURES[key] for key in keys]


def snapshot(figures: "Figures") -> dict:
    """Every measure's value, JSON-ready (the body of `Figures.to_dict`)."""
    return {key: measure.json(measure.read(figures)) for key, measure in MEASURES.items()}


@dataclass(frozen=True)
class Cell:
    """A measure's value in one row of a table, with its text."""

    measure: Measure
    value: object

    @property
    def key(self) -> str:
        return self.measure.key

    @property
    def text(self) -> str:
        return self.measure.text(self.value)


def cells(measures: Iterable[Measure], figures: "Figures") -> tuple[Cell, ...]:
    """One organization's values of `measures`, in order."""
    return tuple(Cell(measure, measure.read(figures)) for measure in measures)
