"""Printable personal pledges (mẫu 01 / 2A / 2B) as PDF.

`build_form` turns one pledge into a plain document object (pure: no queries, given the
pledge with its person, organization and items already loaded); `render_pledge_forms` lays
one or many of them out, one form per page, with the shipped fonts. `cell_pledges_for_print`
fetches a chi bộ's pledges in a fixed number of queries.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.text import slugify

from committees import formatting as fmt
from committees.models import Organization, PledgeForm
from committees.text import search_key, vietnamese_sort_key
from pledges.models import Evaluation, ItemResult, Pledge, PledgeArea, PledgeItem, PledgeState
from reports.profiles import LayoutProfile, profile_for
from reports.rendering import font_faces, html_to_pdf

# A chi bộ has about twenty members; more than this in one PDF is a mistake, not a need.
MAX_PLEDGES_PER_PDF = 300

TITLE = "BẢN ĐĂNG KÝ HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG, ĐẠO ĐỨC, PHONG CÁCH HỒ CHÍ MINH NĂM {year}"
SUBTITLES = {
    PledgeForm.FORM_01: "(Mẫu 01 – dành cho đảng viên)",
    PledgeForm.FORM_2A: "(Mẫu 2A – dành cho cán bộ, công chức, viên chức, đoàn viên, hội viên)",
    PledgeForm.FORM_2B: "(Mẫu 2B – dành cho cá nhân khác)",
}
STATE_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"
EMPTY_FIELD = "…" * 12  # a dotted place to fill in by hand
DATE_BLANK = "\u00a0" * 4 + "…" + "\u00a0" * 4


@dataclass(frozen=True)
class FormItem:
    number: int
    content: str
    area: str
    target: str
    due: str
    result: str
    result_note: str


@dataclass(frozen=True)
class PledgeFormDocument:
    form: str
    superior_name: str
    issuer_name: str
    star: str
    party_form: bool  # form 01: "ĐẢNG CỘNG SẢN VIỆT NAM"; otherwise the state motto
    party_name: str
    state_name: str
    state_motto: str
    place_date: str
    title: str
    subtitle: str
    details: list[tuple[str, str]]
    items: list[FormItem]
    show_results: bool
    status: list[tuple[str, str]]
    cell_heading: str
    signer_heading: str
    signer_name: str


def _item(number: int, item: PledgeItem) -> FormItem:
    return FormItem(
        number=number,
        content=item.content,
        area=str(PledgeArea(item.area).label) if item.area in PledgeArea.values else item.area,
        target=item.target,
        due=fmt.short_date(item.due_on),
        result=str(ItemResult(item.result).label) if item.result else "",
        result_note=item.result_note,
    )


def place_date_line(pledge: Pledge, place: str) -> str:
    """ "Thanh Hoá, ngày 15 tháng 3 năm 2024" once submitted; blanks to write by hand before."""
    if pledge.submitted_on:
        return fmt.document_date(pledge.submitted_on, place)
    text = f"ngày{DATE_BLANK}tháng{DATE_BLANK}năm{DATE_BLANK}"
    return f"{place}, {text}" if place else text


def status_lines(pledge: Pledge) -> list[tuple[str, str]]:
    lines = []
    if pledge.submitted_on:
        timing = "đúng hạn" if pledge.on_time else "muộn"
        lines.append(("Ngày nộp", f"{fmt.short_date(pledge.submitted_on)} ({timing})"))
    else:
        lines.append(("Ngày nộp", "chưa nộp"))
    lines.append(("Tình trạng", str(PledgeState(pledge.state).label)))
    if pledge.review_comment:
        lines.append(("Ý kiến của chi bộ", pledge.review_comment))
    if pledge.state == PledgeState.EVALUATED and pledge.evaluation:
        evaluation = str(Evaluation(pledge.evaluation).label)
        if pledge.evaluation_comment:
            evaluation = f"{evaluation} – {pledge.evaluation_comment}"
        lines.append(("Đánh giá cuối năm", evaluation))
    return lines


def build_form(
    pledge: Pledge, *, superior: Organization | None, profile: LayoutProfile, items: list[PledgeItem] | None = None
) -> PledgeFormDocument:
    """One personal pledge as a form. `items` defaults to the (prefetched) `pledge.items`."""
    person = pledge.person
    organization = pledge.organization
    form = pledge.form or person.pledge_form
    if items is None:
        items = list(pledge.items.all())
    place = organization.place_name or (superior.place_name if superior else "")
    rows = [_item(number, item) for number, item in enumerate(items, start=1)]
    details = [
        ("Họ và tên", person.full_name or EMPTY_FIELD),
        ("Năm sinh", str(person.birth_year) if person.birth_year else EMPTY_FIELD),
        ("Chức vụ", person.position or EMPTY_FIELD),
        ("Đơn vị/Chi bộ sinh hoạt", organization.name),
    ]
    return PledgeFormDocument(
        form=form,
        superior_name=fmt.upper(fmt.party_organization_name(superior.name)) if superior else "",
        issuer_name=fmt.upper(organization.name),
        star=profile.star,
        party_form=form == PledgeForm.FORM_01,
        party_name=profile.party_name,
        state_name=STATE_NAME,
        state_motto=STATE_MOTTO,
        place_date=place_date_line(pledge, place),
        title=TITLE.format(year=pledge.year),
        subtitle=SUBTITLES.get(form, ""),
        details=details,
        items=rows,
        show_results=any(row.result or row.result_note for row in rows),
        status=status_lines(pledge),
        cell_heading="XÁC NHẬN CỦA CHI BỘ",
        signer_heading="NGƯỜI ĐĂNG KÝ",
        signer_name=person.full_name,
    )


def form_stylesheet(profile: LayoutProfile) -> str:
    return font_faces(profile) + render_to_string("reports/pdf/pledge_form.css", {"p": profile})


def render_forms(forms: list[PledgeFormDocument], *, profile: LayoutProfile) -> bytes:
    """Forms → one PDF, each form starting on a new page. User text is escaped by the template."""
    html = render_to_string("reports/pdf/pledge_form.html", {"forms": forms})
    return html_to_pdf(html, stylesheet=form_stylesheet(profile))


def render_pledge_forms(
    pledges: list[Pledge], *, superior: Organization | None, profile: LayoutProfile | None = None
) -> bytes:
    """Pledges of one organization (same superior) → one PDF, in the order given."""
    profile = profile or profile_for(None)
    forms = [build_form(pledge, superior=superior, profile=profile) for pledge in pledges]
    return render_forms(forms, profile=profile)


def _slug(text: str) -> str:
    return slugify(search_key(text)) or "khong-ten"


def pledge_filename(pledge: Pledge) -> str:
    """ "ke-hoach-2024-tran-thi-an.pdf": ASCII, no marks."""
    return f"ke-hoach-{pledge.year}-{_slug(pledge.person.full_name)}.pdf"


def cell_filename(organization: Organization, year: int) -> str:
    return f"ke-hoach-{year}-{_slug(organization.name)}.pdf"


class TooManyPledges(Exception):
    pass


def cell_pledges_for_print(*, organization: Organization, year: int, limit: int | None = None) -> list[Pledge]:
    """The organization's non-draft personal pledges of `year`, official-list order, items
    prefetched (2 queries whatever the number). More than `limit` raises TooManyPledges,
    found without counting everything: one row over the limit is enough to know."""
    limit = MAX_PLEDGES_PER_PDF if limit is None else limit
    pledges = list(
        Pledge.objects.filter(organization=organization, year=year, kind=Pledge.Kind.PERSONAL)
        .exclude(state=PledgeState.DRAFT)
        .select_related("person", "organization")
        .prefetch_related(Prefetch("items", queryset=PledgeItem.objects.order_by("position", "pk")))
        .order_by("pk")[: limit + 1]
    )
    if len(pledges) > limit:
        raise TooManyPledges
    return sorted(pledges, key=lambda p: vietnamese_sort_key(p.person.full_name))
