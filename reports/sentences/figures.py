"""The figures the report's sentences read: the registry's (reports/measures.py), and the
few read here from `Figures` until the registry declares them."""

from collections.abc import Iterable

from pledges.models import CommendationForm
from reports.measures import COUNT, MEASURES, PERCENT, Measure
from reports.statistics import Figures

# Award forms from the highest level down, as reports list them (the Prime Minister's Bằng
# khen before a province's, seed 001). Praise ("biểu dương, ghi danh") is not an award: it is
# said apart, and its records are not listed one by one.
AWARD_FORMS = (
    CommendationForm.PRIME_MINISTER,
    CommendationForm.PROVINCE_CHAIR,
    CommendationForm.LABOUR,
    CommendationForm.CERTIFICATE,
    CommendationForm.OTHER,
)
PRAISE_FORMS = (CommendationForm.PRAISE,)


def granted(f: Figures, forms: Iterable[str], recipient: str) -> int:
    """Commendations granted to `recipient` ("person" / "collective") in any of `forms`."""
    by_form = f.commendations_by_form()
    return sum(by_form.get(form, {}).get(recipient, 0) for form in forms)


# Read here until reports/measures.py declares them: the attendance and participation of
# the other staff, praise apart from awards. A key the registry declares is read from the
# registry (`measure`); tests/reports/test_report_text.py fails while a key is in both.
DOCUMENT_MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure("attendees_union", "Lượt đoàn viên, hội viên dự", COUNT, lambda f: f.attendees_in_group("union")),
        Measure(
            "attendees_other",
            "Lượt cán bộ, công chức, viên chức, người lao động khác dự",
            COUNT,
            lambda f: f.attendees_in_group("other"),
        ),
        Measure(
            "participation_rate_other",
            "Tỷ lệ cán bộ, công chức, viên chức, người lao động khác tham gia học tập chuyên đề",
            PERCENT,
            lambda f: f.participation_rate("other"),
        ),
        Measure(
            "praise_collective",
            "Số tập thể được biểu dương, ghi danh",
            COUNT,
            lambda f: granted(f, PRAISE_FORMS, "collective"),
        ),
        Measure(
            "praise_person", "Số cá nhân được biểu dương, ghi danh", COUNT, lambda f: granted(f, PRAISE_FORMS, "person")
        ),
        Measure(
            "awards_collective",
            "Số tập thể được khen thưởng (không kể biểu dương)",
            COUNT,
            lambda f: granted(f, AWARD_FORMS, "collective"),
        ),
        Measure(
            "awards_person",
            "Số cá nhân được khen thưởng (không kể biểu dương)",
            COUNT,
            lambda f: granted(f, AWARD_FORMS, "person"),
        ),
    ]
}


def measure(key: str) -> Measure:
    """A measure the report reads, by key: the registry's, else the document's own."""
    return MEASURES.get(key) or DOCUMENT_MEASURES[key]
