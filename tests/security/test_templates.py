"""Every template stays within the Content-Security-Policy: a new inline script, `on...=`
handler, `javascript:` link or style fails here, with the file and line, before a browser
refuses it. Behaviour goes in static/js, looks in static/css (classes, data- attributes)."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered to PDF by WeasyPrint on the server, never sent to a browser: no policy applies.
NOT_SERVED = {TEMPLATES / "reports" / "pdf"}

RULES = {
    "inline <script> (give it a src, or use json_script)": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/json[\"'])[^>]*>", re.IGNORECASE
    ),
    "on...= event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
}


def violations(text: str) -> list[tuple[int, str]]:
    found = []
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            found.append((text.count("\n", 0, match.start()) + 1, rule))
    return sorted(found)


def served_templates() -> list[Path]:
    return [
        path
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not any(path.is_relative_to(folder) for folder in NOT_SERVED)
    ]


def test_the_scan_finds_each_kind():
    samples = {
        "<script>alert(1)</script>": "inline <script> (give it a src, or use json_script)",
        '<button type="button" onclick="go()">': "on...= event handler attribute",
        '<select class="form-select"\n        onchange="this.form.submit()">': "on...= event handler attribute",
        '<a href="javascript:history.back()">': "javascript: URL",
        "<style>.x{}</style>": "<style> element",
        '<div class="card" style="max-width: 520px">': "style= attribute",
    }
    for sample, rule in samples.items():
        assert [found for _line, found in violations(sample)] == [rule], sample


def test_the_scan_leaves_allowed_markup_alone():
    allowed = (
        "<script src=\"{% static 'js/app.js' %}\"></script>"
        '<script type="application/json" id="data">{}</script>'
        '<div class="progress-bar" data-progress="40">Đang xử lý: on=1</div>'
        "<a href=\"{% url 'home' %}\" data-history-back>Quay lại</a>"
        '<input name="online" data-year-switch>'
    )
    assert violations(allowed) == []


def test_templates_are_scanned():
    names = {path.relative_to(TEMPLATES).as_posix() for path in served_templates()}
    assert {"base.html", "registration/login.html", "reports/dashboard.html", "pledges/pledge_entry.html"} <= names
    assert not any(name.startswith("reports/pdf/") for name in names)


def test_no_template_has_inline_code_or_style():
    found = [
        f"{path.relative_to(TEMPLATES)}:{line}: {rule}"
        for path in served_templates()
        for line, rule in violations(path.read_text(encoding="utf-8"))
    ]
    assert found == []
