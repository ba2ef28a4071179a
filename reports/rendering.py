"""Pure rendering: a report's content → PDF bytes. Fonts come from our own static/fonts by
file URL, so the output is the same on every machine whatever fonts it has installed."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from reports.content import ReportDocument
from reports.profiles import LayoutProfile


def font_faces(profile: LayoutProfile) -> str:
    rules = []
    for style_key, filename in profile.font_files.items():
        weight, style = style_key.split("-")
        url = (settings.FONTS_DIR / filename).resolve().as_uri()
        rules.append(
            f'@font-face {{ font-family: "{profile.font_family}"; src: url("{url}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def html_to_pdf(html: str, *, stylesheet: str) -> bytes:
    fonts = FontConfiguration()
    css = CSS(string=stylesheet, font_config=fonts)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css], font_config=fonts)


def document_stylesheet(profile: LayoutProfile) -> str:
    return font_faces(profile) + render_to_string("reports/pdf/document.css", {"p": profile})


def render_pdf(document: ReportDocument) -> bytes:
    html = render_to_string("reports/pdf/report.html", {"doc": document})
    return html_to_pdf(html, stylesheet=document_stylesheet(document.profile))
