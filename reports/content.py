"""The content of a year-end report: generated figure sentences, the clerk's narrative,
the header and signature, and the appendix. PDF, Word and Excel all render this object."""

from dataclasses import dataclass, field

from committees import formatting as fmt
from committees.models import Organization
from pledges.models import CommendationForm, Directive
from pledges.services.common import plan_for
from reports import measures
from reports.measures import EVALUATION_PHRASES, Cell, Measure
from reports.models import Report
from reports.profiles import LayoutProfile, profile_for
from reports.statistics import Figures

FORM_PHRASES = {
    CommendationForm.PRAISE: "biểu dương, ghi danh “Người tốt, việc tốt”",
    CommendationForm.CERTIFICATE: "Giấy khen",
    CommendationForm.PROVINCE_CHAIR: "Bằng khen của Chủ tịch UBND tỉnh",
    CommendationForm.PRIME_MINISTER: "Bằng khen của Thủ tướng Chính phủ",
    CommendationForm.LABOUR: "Bằng khen của Tổng Liên đoàn Lao động Việt Nam",
    CommendationForm.OTHER: "hình thức khác",
}
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

    @property
    def appendix_name_label(self) -> str:
        return APPENDIX_NAME_LABEL


def paragraphs(text: str) -> list[str]:
    """The clerk's text, one paragraph per non-empty line (kept as plain text: escaped later)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _directive_phrase(directive: Directive) -> str:
    issuer = directive.issuer_name or (directive.issuing_organization.name if directive.issuing_organization else "")
    text = f"{directive.doc_type.name} số {directive.symbol} ngày {fmt.short_date(directive.issued_on)}"
    return f"{text} của {issuer}" if issuer else text


def directive_cascade(directive: Directive | None) -> list[Directive]:
    """The plan's directive and those it implements, from the top down."""
    chain = []
    seen = set()
    while directive is not None and directive.pk not in seen:
        seen.add(directive.pk)
        chain.append(directive)
        directive = directive.implements
    return list(reversed(chain))


def deployment_sentences(organization: Organization, year: int, figures: Figures) -> list[str]:
    plan = plan_for(organization=organization, year=year)
    chain = directive_cascade(plan.directive if plan else None)
    sentences = []
    if chain:
        listed = "; ".join(_directive_phrase(d) for d in chain)
        sentences.append(
            f"Thực hiện {listed}, {organization.name} đã ban hành văn bản lãnh đạo, chỉ đạo triển khai thực hiện phong trào thi đua “Làm theo Bác” năm {year} đến các tổ chức đảng trực thuộc."
        )
    if plan and plan.theme:
        sentences.append(f"Chuyên đề năm {year}: “{plan.theme.title}”.")
    return sentences


def study_sentences(f: Figures) -> list[str]:
    sentences = []
    if f.sessions_total:
        sentences.append(
            f"Năm {f.year}, toàn đảng bộ đã tổ chức {fmt.number(f.sessions_total)} cuộc học tập, quán triệt, sinh hoạt chuyên đề "
            f"có {fmt.number(f.attendees_total)} lượt đồng chí dự, trong đó có {fmt.number(f.attendees_party)} lượt đảng viên, "
            f"{fmt.number(f.attendees_non_party)} lượt đoàn viên, hội viên và quần chúng."
        )
    online = f.sessions_by_kind().get("online", 0)
    if online:
        sentences.append(
            f"Tổ chức {fmt.count2(online)} hội nghị trực tuyến với {fmt.number(f.bridge_points)} điểm cầu."
        )
    rates = []
    if f.participation_rate("party") is not None:
        rates.append(f"{fmt.percent(f.participation_rate('party'))} đảng viên")
    if f.participation_rate("union") is not None:
        rates.append(f"{fmt.percent(f.participation_rate('union'))} đoàn viên, hội viên")
    if f.participation_rate("other") is not None:
        rates.append(f"{fmt.percent(f.participation_rate('other'))} cán bộ, công chức, người lao động khác")
    if rates:
        sentences.append(f"Tỷ lệ tham gia học tập chuyên đề năm {f.year}: " + "; ".join(rates) + ".")
    if f.cells:
        behind = f.cells_behind_meetings
        text = f"Các chi bộ đã tổ chức {fmt.number(f.thematic_meetings)} buổi sinh hoạt chuyên đề"
        text += (
            f"; còn {fmt.count2(behind)} chi bộ chưa tổ chức đủ số buổi theo yêu cầu."
            if behind
            else "; 100% chi bộ tổ chức đủ số buổi theo yêu cầu."
        )
        sentences.append(text)
    if not sentences:
        sentences.append(f"Năm {f.year} chưa có số liệu học tập, sinh hoạt chuyên đề được ghi nhận.")
    return sentences


def pledge_sentences(f: Figures) -> list[str]:
    if not f.pledges_total and not f.people_required:
        return [f"Năm {f.year} chưa có số liệu đăng ký làm theo được ghi nhận."]
    by_form = f.pledges_by_form()
    forms = ", ".join(f"{fmt.number(n)} bản mẫu {form}" for form, n in by_form.items() if n)
    sentences = [
        f"Có {fmt.number(f.pledges_registered)}/{fmt.number(f.people_required)} cán bộ, đảng viên, quần chúng đăng ký kế hoạch cá nhân "
        f"học tập và làm theo Bác (đạt {fmt.percent(f.coverage) if f.coverage is not None else '–'})"
        + (f", gồm {forms}" if forms else "")
        + "."
    ]
    if f.pledges_registered:
        sentences.append(
            f"Số bản đăng ký nộp đúng hạn: {fmt.number(f.pledges_on_time)} ({fmt.percent(f.on_time_rate)}); "
            f"nộp muộn: {fmt.number(f.pledges_late)}."
        )
    if f.items_total:
        sentences.append(
            f"Tổng số {fmt.number(f.items_total)} việc làm theo Bác của cá nhân; kết quả tự đánh giá: {fmt.number(f.items_done)} việc hoàn thành "
            f"({fmt.percent(f.items_done_rate)}), {fmt.number(f.items_partly)} việc hoàn thành một phần, {fmt.number(f.items_not_done)} việc chưa hoàn thành."
        )
    if f.collective_pledges:
        sentences.append(
            f"{fmt.count2(f.collective_pledges)} tập thể cấp ủy đăng ký {fmt.number(f.collective_items)} việc làm theo của tập thể."
        )
    evaluations = f.evaluations()
    if any(evaluations.values()):
        listed = ", ".join(f"{fmt.number(n)} {EVALUATION_PHRASES[level]}" for level, n in evaluations.items() if n)
        sentences.append(f"Kết quả đánh giá cuối năm theo bản đăng ký: {listed}.")
    return sentences


def exemplar_sentences(f: Figures) -> list[str]:
    statuses = f.exemplars_by_status()
    if not f.exemplars_total:
        return [f"Chưa có mô hình, điển hình được đăng ký trong năm {f.year}."]
    text = f"Có {fmt.number(f.exemplars_total)} mô hình, điển hình tiên tiến, cách làm hay"
    if statuses.get("replicated"):
        text += f", trong đó {fmt.count2(statuses['replicated'])} mô hình được nhân rộng"
    text += "."
    if f.cells_without_exemplar:
        text += f" Còn {fmt.count2(f.cells_without_exemplar)} chi bộ chưa có mô hình."
    return [text]


def commendation_sentences(f: Figures) -> list[str]:
    sentences = []
    collective = f.commendation_count(recipient="collective")
    person = f.commendation_count(recipient="person")
    if collective or person:
        sentences.append(
            f"Có {fmt.count2(collective)} tập thể, {fmt.count2(person)} cá nhân được biểu dương, khen thưởng."
        )
        parts = []
        for form, counts in f.commendations_by_form().items():
            label = FORM_PHRASES.get(form, form)
            bits = []
            if counts["collective"]:
                bits.append(f"{fmt.count2(counts['collective'])} tập thể")
            if counts["person"]:
                bits.append(f"{fmt.count2(counts['person'])} cá nhân")
            if bits:
                parts.append(f"{label}: {', '.join(bits)}")
        if parts:
            sentences.append("Trong đó: " + "; ".join(parts) + ".")
    proposed_c = f.commendation_count(recipient="collective", status="proposed")
    proposed_p = f.commendation_count(recipient="person", status="proposed")
    if proposed_c or proposed_p:
        sentences.append(
            f"Đề nghị cấp trên khen thưởng {fmt.count2(proposed_c)} tập thể, {fmt.count2(proposed_p)} cá nhân."
        )
    if not sentences:
        sentences.append(f"Chưa có khen thưởng được ghi nhận trong năm {f.year}.")
    return sentences


def appendix_row(f: Figures) -> AppendixRow:
    """One organization's line of the appendix (the total line is the organization's own)."""
    return AppendixRow(
        name=f.name + (DISSOLVED_SUFFIX if f.dissolved else ""), cells=measures.cells(APPENDIX_COLUMNS, f)
    )


def superior_of(organization: Organization) -> Organization | None:
    return Organization.objects.get_parent(organization) if organization.depth > 1 else None


def build_document(report: Report, figures: Figures) -> ReportDocument:
    organization = report.organization
    superior = superior_of(organization)
    profile = profile_for(report.layout_profile)
    year = report.year
    issue_date = report.document_date
    sections = [
        Section("I. KHÁI QUÁT TÌNH HÌNH", paragraphs(report.general_situation)),
        Section(
            "II. KẾT QUẢ CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO TRIỂN KHAI THỰC HIỆN PHONG TRÀO THI ĐUA",
            subsections=[
                Section(
                    "1. Công tác triển khai học tập, quán triệt",
                    deployment_sentences(organization, year, figures) + paragraphs(report.deployment),
                ),
                Section("2. Công tác tuyên truyền", paragraphs(report.propaganda)),
                Section(
                    "3. Công tác tổ chức, tham gia học tập chuyên đề",
                    study_sentences(figures) + paragraphs(report.study),
                ),
                Section(
                    "4. Kết quả thi đua",
                    pledge_sentences(figures)
                    + exemplar_sentences(figures)
                    + commendation_sentences(figures)
                    + paragraphs(report.emulation),
                ),
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
        Section(f"III. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM {year + 1}", paragraphs(report.directions)),
    ]
    rows = [appendix_row(child) for child in figures.children]
    return ReportDocument(
        profile=profile,
        superior_name=fmt.upper(superior.name) if superior else "",
        issuer_name=fmt.upper(organization.name),
        number_line="Số "
        + fmt.document_number(report.number, profile.report_type_code, organization.issuer_code or "ĐU"),
        place_date=fmt.document_date(issue_date, report.place_name or organization.place_name)
        if issue_date
        else f"{report.place_name or organization.place_name}, ngày{fmt.BLANK}tháng{fmt.BLANK}năm {year + 1}",
        type_name="BÁO CÁO",
        summary=report.title_summary or default_summary(year),
        opening=paragraphs(report.opening),
        sections=sections,
        recipients=paragraphs(report.recipients),
        signer_authority=report.signer_authority,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        appendix_title=f"PHỤ LỤC: SỐ LIỆU CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC NĂM {year}",
        appendix_columns=APPENDIX_COLUMNS,
        appendix_rows=rows,
        appendix_total=appendix_row(figures),
        year=year,
        organization_name=organization.name,
    )


def default_summary(year: int) -> str:
    return f"Tổng kết phong trào thi đua “Làm theo Bác” năm {year} và phương hướng nhiệm vụ năm {year + 1}"
