"""The content of a year-end report (or of a report over a span of years): generated figure
sentences (reports/sentences.py), the clerk's narrative, the header and signature, and the
appendix. PDF, Word and Excel all render this object."""

from dataclasses import dataclass, field

from committees import formatting as fmt
from committees.models import Organization, OrganizationYear
from pledges.models import Directive, Plan, Theme
from pledges.services.common import plan_for
from reports import measures, selectors
from reports.measures import Cell, Measure
from reports.models import Report
from reports.profiles import LayoutProfile, profile_for
from reports.sentences import DEPLOYMENT, PROPAGANDA, RESULTS, STUDY, Facts, Period, Sentence, section_sentences
from reports.statistics import Figures

# The appendix: one row per child organization and a total, the name first, then these
# measures (reports/measures.py) under their short labels.
APPENDIX_KEYS = [
    "people_required",
    "pledges_registered",
    "coverage",
    "pledges_on_time",
    "pledges_returned",
    "items_total",
    "items_done",
    "sessions_total",
    "exemplars_total",
    "commendations_granted",
]
APPENDIX_COLUMNS = measures.select(APPENDIX_KEYS)
APPENDIX_NAME_LABEL = "Tổ chức"
DISSOLVED_SUFFIX = " (đã giải thể/sáp nhập)"


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)


@dataclass(frozen=True)
class AppendixRow:
    name: str
    cells: tuple[Cell, ...]  # in the order of the document's appendix columns

    def value(self, key: str):
        return next(cell.value for cell in self.cells if cell.key == key)


@dataclass(frozen=True)
class TracedSentence:
    """A generated sentence and the section it stands in (the "Nguồn số liệu" sheet)."""

    section: str
    sentence: Sentence


@dataclass(frozen=True)
class ReportDocument:
    profile: LayoutProfile
    superior_name: str
    issuer_name: str
    number_line: str
    place_date: str
    type_name: str
    summary: str
    opening: list[str]
    sections: list[Section]
    recipients: list[str]
    signer_authority: str
    signer_title: str
    signer_name: str
    appendix_title: str
    appendix_columns: list[Measure]
    appendix_rows: list[AppendixRow]
    appendix_total: AppendixRow
    year: int
    organization_name: str
    period_name: str = ""  # "năm 2024", "giai đoạn 2021–2025"
    trace: list[TracedSentence] = field(default_factory=list)

    @property
    def appendix_name_label(self) -> str:
        return APPENDIX_NAME_LABEL

    @property
    def period(self) -> str:
        return self.period_name or f"năm {self.year}"


def paragraphs(text: str) -> list[str]:
    """The clerk's text, one paragraph per non-empty line (kept as plain text: escaped later)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def appendix_row(f: Figures) -> AppendixRow:
    """One organization's line of the appendix (the total line is the organization's own)."""
    return AppendixRow(
        name=f.name + (DISSOLVED_SUFFIX if f.dissolved else ""), cells=measures.cells(APPENDIX_COLUMNS, f)
    )


def superior_of(organization: Organization, year: int | None = None) -> Organization | None:
    """The organization's direct superior: its parent in the tree of `year` (where it stood
    when the document was written), else in the live tree."""
    if year is not None:
        row = OrganizationYear.objects.filter(organization=organization, year=year).select_related("parent").first()
        if row is not None:
            return row.parent
    return Organization.objects.get_parent(organization) if organization.depth > 1 else None


def header_superior(superior: Organization | None) -> str:
    """The header's top line: the superior's party organization, "ĐẢNG BỘ TỈNH THANH HÓA"
    above "ĐẢNG ỦY KHỐI ..." (seed 004)."""
    return fmt.upper(fmt.party_organization_name(superior.name)) if superior else ""


def directive_cascade(directive: Directive | None) -> list[Directive]:
    """The plan's directive and those it implements, from the top down."""
    chain = []
    seen = set()
    while directive is not None and directive.pk not in seen:
        seen.add(directive.pk)
        chain.append(directive)
        directive = directive.implements
    return list(reversed(chain))


def _plans(organization: Organization, years: list[int]) -> list[Plan]:
    return [plan for year in years if (plan := plan_for(organization=organization, year=year)) is not None]


def plan_directives(plans: list[Plan]) -> tuple[Directive, ...]:
    """The directives of the plans of the period, each with those it implements, top down,
    each once (a term report repeats the Central Committee's only once)."""
    listed: dict[int, Directive] = {}
    for plan in plans:
        for directive in directive_cascade(plan.directive):
            listed.setdefault(directive.pk, directive)
    return tuple(listed.values())


def plan_themes(plans: list[Plan]) -> tuple[Theme, ...]:
    """The themes of the period's plans, each once, the whole-term theme first."""
    themes = {plan.theme.pk: plan.theme for plan in plans if plan.theme is not None}
    return tuple(sorted(themes.values(), key=lambda theme: theme.kind != Theme.Kind.TERM))


def report_facts(report: Report, figures: Figures) -> Facts:
    """What the generated sentences read: the figures and the records of the report's years."""
    organization = report.organization
    years = report.years
    plans = _plans(organization, years)
    return Facts(
        figures=figures,
        period=Period(years[0], years[-1]),
        organization=organization,
        directives=plan_directives(plans),
        themes=plan_themes(plans),
        online=tuple(selectors.online_conferences(organization=organization, years=years)),
        awards=tuple(selectors.award_decisions(organization=organization, years=years)),
        proposals=tuple(selectors.proposals_by_addressee(organization=organization, years=years)),
    )


def build_document(report: Report, figures: Figures) -> ReportDocument:
    """The document of `report` with `figures`: those of its year, or summed over its span
    (reports.statistics.figures_over_span)."""
    organization = report.organization
    superior = superior_of(organization, report.year)
    profile = profile_for(report.layout_profile)
    year = report.year
    facts = report_facts(report, figures)
    period = facts.period
    issue_date = report.document_date
    trace: list[TracedSentence] = []

    def generated(heading: str) -> list[str]:
        sentences = section_sentences(heading, facts)
        trace.extend(TracedSentence(heading, sentence) for sentence in sentences)
        return [sentence.text for sentence in sentences]

    sections = [
        Section("I. KHÁI QUÁT TÌNH HÌNH", paragraphs(report.general_situation)),
        Section(
            "II. KẾT QUẢ CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO TRIỂN KHAI THỰC HIỆN PHONG TRÀO THI ĐUA",
            subsections=[
                Section(DEPLOYMENT, generated(DEPLOYMENT) + paragraphs(report.deployment)),
                Section(PROPAGANDA, generated(PROPAGANDA) + paragraphs(report.propaganda)),
                Section(STUDY, generated(STUDY) + paragraphs(report.study)),
                Section(RESULTS, generated(RESULTS) + paragraphs(report.emulation)),
                Section(
                    "5. Đánh giá rút kinh nghiệm",
                    subsections=[
                        Section("- Ưu điểm:", paragraphs(report.strengths)),
                        Section("- Tồn tại, hạn chế:", paragraphs(report.weaknesses)),
                        Section("- Hướng khắc phục:", paragraphs(report.remedies)),
                    ],
                ),
            ],
        ),
        Section(directions_heading(period), paragraphs(report.directions)),
    ]
    rows = [appendix_row(child) for child in figures.children]
    return ReportDocument(
        profile=profile,
        superior_name=header_superior(superior),
        issuer_name=fmt.upper(organization.name),
        number_line="Số "
        + fmt.document_number(report.number, profile.report_type_code, organization.issuer_code or "ĐU"),
        place_date=fmt.document_date(issue_date, report.place_name or organization.place_name)
        if issue_date
        else f"{report.place_name or organization.place_name}, ngày{fmt.BLANK}tháng{fmt.BLANK}năm {year + 1}",
        type_name="BÁO CÁO",
        summary=report.title_summary or default_summary(period),
        opening=paragraphs(report.opening),
        sections=sections,
        recipients=paragraphs(report.recipients),
        signer_authority=report.signer_authority,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        appendix_title=f"PHỤ LỤC: SỐ LIỆU CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC {fmt.upper(period.name)}",
        appendix_columns=APPENDIX_COLUMNS,
        appendix_rows=rows,
        appendix_total=appendix_row(figures),
        year=year,
        organization_name=organization.name,
        period_name=period.name,
        trace=trace,
    )


def directions_heading(period: Period) -> str:
    if period.is_span:
        return "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"
    return f"III. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM {period.last + 1}"


# What a report over a span is called: a review along the way (sơ kết) or at its end (tổng kết).
REVIEWS = {"so_ket": "Sơ kết", "tong_ket": "Tổng kết"}


def default_summary(period: Period, review: str = "tong_ket") -> str:
    """The title's summary line: "Tổng kết phong trào thi đua “Làm theo Bác” năm 2024 và
    phương hướng nhiệm vụ năm 2025", or "Sơ kết ... giai đoạn 2021–2023 và phương hướng,
    nhiệm vụ thời gian tới"."""
    movement = f"{REVIEWS[review]} phong trào thi đua “Làm theo Bác” {period.name}"
    if period.is_span:
        return f"{movement} và phương hướng, nhiệm vụ thời gian tới"
    return f"{movement} và phương hướng nhiệm vụ năm {period.last + 1}"
