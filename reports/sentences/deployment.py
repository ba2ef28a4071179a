"""1. Công tác triển khai học tập, quán triệt: the directives implemented and the themes."""

from committees import formatting as fmt
from pledges.models import Directive, Theme
from reports.sentences.base import Facts, Reading, Sentence, listing


def directive_phrase(r: Reading, directive: Directive, *, with_issuer: bool = True) -> str:
    """ "Kế hoạch số 52-KH/TU ngày 04/3/2022 của Ban Thường vụ Tỉnh ủy" (seed 000)."""
    name = f"{directive.doc_type.name} số {directive.symbol}"
    text = f"{name} ngày {r.record_date(name, directive.issued_on)}"
    issuer = directive.issuer_name or (directive.issuing_organization.name if directive.issuing_organization else "")
    return f"{text} của {issuer}" if issuer and with_issuer else text


def deployment_sentences(facts: Facts) -> list[Sentence]:
    """The directives implemented, from the Central Committee's down to the organization's own
    plan (seed 000: "Thực hiện ..., Đảng ủy Sở Công Thương xây dựng kế hoạch số 20-KH/ĐU ngày
    15/4/2022 ..."), then the themes studied."""
    r = Reading(facts.figures)
    organization = facts.organization
    sentences = []
    if facts.directives:
        above = [directive_phrase(r, d) for d in facts.directives if d.issuing_organization_id != organization.pk]
        own = [
            directive_phrase(r, d, with_issuer=False)
            for d in facts.directives
            if d.issuing_organization_id == organization.pk
        ]
        acted = f"đã ban hành {listing(own)} triển khai thực hiện" if own else "đã triển khai thực hiện"
        audience = "toàn thể đảng viên, quần chúng" if facts.is_cell else "các tổ chức đảng trực thuộc"
        text = f"{organization.name} {acted} phong trào thi đua “Làm theo Bác” {facts.period.name} đến {audience}."
        sentences.append(r.sentence(f"Thực hiện {'; '.join(above)}, {text}" if above else text))
    for theme in facts.themes:
        sentences.append(r.sentence(f"{theme_name(theme)}: “{theme.title}”."))
    return sentences


def theme_name(theme: Theme) -> str:
    """ "Chuyên đề năm 2024"; a whole-term theme "Chuyên đề toàn khóa 2021–2025"."""
    if theme.kind == Theme.Kind.TERM:
        return f"Chuyên đề toàn khóa {fmt.year_span(theme.term_start, theme.term_end)}"
    return f"Chuyên đề năm {theme.year}"
