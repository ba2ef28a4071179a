"""Themes, the directive registry and the plans of each organization and year."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Actor, Organization
from committees.text import normalize_text
from committees.years import closed_years, ensure_open_for, ensure_year_in_range
from pledges.history import stamp
from pledges.models import Directive, DocumentType, Plan, Theme, default_deadline
from pledges.services.common import year_is_closed

# "52-KH/TU", tolerating spaces around the separators as typed in the seeds ("58 - KH/HU").
_SYMBOL = re.compile(r"^(?P<number>\d{1,5})\s*-\s*(?P<type>[^\W\d_]+)\s*/\s*(?P<issuer>[^\W_][\w\-]*)$")


@dataclass(frozen=True)
class Symbol:
    number: int
    type_code: str
    issuer_code: str


def symbol_parse(text: str) -> Symbol:
    """Parse a Party document number: "52-KH/TU" → (52, "KH", "TU").

    The type code must be a Party code of the registry; the State's QyĐ is refused.
    """
    match = _SYMBOL.match(normalize_text(text))
    if not match:
        raise ValidationError(
            _("Số, ký hiệu “%(text)s” không đúng dạng “số-loại/cơ quan”, ví dụ 52-KH/TU.") % {"text": text}
        )
    type_code = match["type"]
    doc_type = DocumentType.objects.filter(code=type_code).first()
    if doc_type is None:
        raise ValidationError(_("Không có loại văn bản ký hiệu “%(code)s”.") % {"code": type_code})
    if not doc_type.is_party:
        raise ValidationError(
            _("“%(code)s” là ký hiệu văn bản của Nhà nước, không dùng trên văn bản của Đảng.") % {"code": type_code}
        )
    number = int(match["number"])
    if number < 1:
        raise ValidationError(_("Số văn bản phải lớn hơn 0."))
    return Symbol(number=number, type_code=type_code, issuer_code=match["issuer"].upper())


@transaction.atomic
def directive_create(
    *,
    symbol: str,
    issued_on: datetime.date,
    title: str,
    issuing_organization: Organization | None = None,
    issuer_name: str = "",
    implements: Directive | None = None,
) -> Directive:
    parsed = symbol_parse(symbol)
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("Ngày ban hành không thể ở tương lai.")})
    if implements is not None and (implements.symbol, implements.issued_on) == (
        f"{parsed.number:02d}-{parsed.type_code}/{parsed.issuer_code}",
        issued_on,
    ):
        raise ValidationError({"implements": _("Một văn bản không thể thực hiện chính nó.")})
    if implements is not None and implements.issued_on > issued_on:
        raise ValidationError({"implements": _("Văn bản được thực hiện phải ban hành trước.")})
    title = normalize_text(title)
    if not title:
        raise ValidationError({"title": _("Hãy nhập trích yếu.")})
    directive = Directive(
        number=parsed.number,
        doc_type=DocumentType.objects.get(code=parsed.type_code),
        issuer_code=parsed.issuer_code,
        issued_on=issued_on,
        title=title,
        issuing_organization=issuing_organization,
        issuer_name=normalize_text(issuer_name),
        implements=implements,
    )
    directive.symbol = f"{parsed.number:02d}-{parsed.type_code}/{parsed.issuer_code}"
    if Directive.objects.filter(symbol=directive.symbol, issued_on=issued_on).exists():
        raise ValidationError(_("Văn bản %(symbol)s ngày này đã có trong sổ.") % {"symbol": directive.symbol})
    directive.full_clean(exclude=["symbol"])
    directive.save()
    return directive


def theme_for_year(year: int) -> Theme | None:
    return Theme.objects.filter(kind=Theme.Kind.YEARLY, year=year).first()


def _yearly_theme_create(*, year: int, title: str) -> Theme:
    """The year's theme, written by the first plan of the year that names it (themes are
    national: every organization's plan of the year then offers it)."""
    if theme_for_year(year) is not None:
        raise ValidationError(
            {"new_theme": _("Năm %(year)s đã có chuyên đề năm: hãy chọn chuyên đề đó.") % {"year": year}}
        )
    theme = Theme(kind=Theme.Kind.YEARLY, year=year, title=normalize_text(title))
    theme.full_clean()
    theme.save()
    return theme


@transaction.atomic
def plan_save(
    *,
    organization: Organization,
    year: int,
    directive: Directive | None = None,
    theme: Theme | None = None,
    pledge_deadline: datetime.date | None = None,
    required_thematic_meetings: int = 2,
    new_theme: str = "",
    by: Actor = None,
) -> Plan:
    ensure_year_in_range(year)
    if organization.is_dissolved:
        raise ValidationError(_("“%(name)s” đã giải thể.") % {"name": organization.name})
    ensure_open_for(organization=organization, year=year)
    plan = Plan.objects.filter(organization=organization, year=year).first() or Plan(
        organization=organization, year=year
    )
    # Closed by the organization itself or by a superior: the whole subtree is read-only.
    if plan.is_closed or year in closed_years() or year_is_closed(organization=organization, year=year):
        raise ValidationError(_("Năm %(year)s đã khóa sổ: không sửa được kế hoạch.") % {"year": year})
    deadline = pledge_deadline or default_deadline(year)
    if deadline.year != year:
        raise ValidationError({"pledge_deadline": _("Hạn nộp phải nằm trong năm %(year)s.") % {"year": year}})
    if not 0 <= required_thematic_meetings <= 12:
        raise ValidationError({"required_thematic_meetings": _("Số buổi sinh hoạt chuyên đề phải từ 0 đến 12.")})
    if normalize_text(new_theme):
        theme = _yearly_theme_create(year=year, title=new_theme)
    plan.directive = directive
    plan.theme = theme or theme_for_year(year)
    plan.pledge_deadline = deadline
    plan.required_thematic_meetings = required_thematic_meetings
    stamp(plan, by=by)
    plan.save()
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, by: Actor = None) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_closed:
        raise ValidationError(_("Năm này đã khóa sổ."))
    plan.is_closed = True
    plan.closed_at = timezone.now()
    stamp(plan, by=by, reason="Khóa sổ")
    plan.save()
    return plan


@transaction.atomic
def plan_reopen(*, plan: Plan, reason: str, by: Actor = None) -> Plan:
    """Reopen a closed year; the reason is kept in the plan's history."""
    reason = normalize_text(reason)
    if not reason:
        raise ValidationError(_("Hãy ghi lý do mở lại năm đã khóa sổ."))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_closed:
        raise ValidationError(_("Năm này chưa khóa sổ."))
    plan.is_closed = False
    plan.closed_at = None
    stamp(plan, by=by, reason=f"Mở lại: {reason}")
    plan.save()
    return plan
