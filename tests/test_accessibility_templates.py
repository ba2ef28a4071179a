"""What the templates promise screen readers, checked in the source: a decorative icon is
hidden from them (its glyph would otherwise join the name of its button or link), and every
page carries the site's icon. The pages themselves are audited by axe (tests/browser)."""

import re

from django.conf import settings
from django.template.loader import render_to_string

from tests.security.test_templates import served_templates

ICON = re.compile(r"<i\b[^>]*\bclass=\"bi[ \"][^>]*>", re.IGNORECASE)


def icons_without_aria_hidden(text: str) -> list[tuple[int, str]]:
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(0))
        for match in ICON.finditer(text)
        if 'aria-hidden="true"' not in match.group(0)
    ]


def test_the_scan_finds_a_visible_icon():
    assert icons_without_aria_hidden('<a href="#"><i class="bi bi-search"></i> Tìm</a>')
    assert not icons_without_aria_hidden('<a href="#"><i class="bi bi-search" aria-hidden="true"></i> Tìm</a>')


def test_every_bootstrap_icon_is_hidden_from_screen_readers():
    found = []
    for path in served_templates():
        for line, tag in icons_without_aria_hidden(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {tag}")
    assert not found, 'icons without aria-hidden="true":\n' + "\n".join(found)


def test_pages_link_the_site_icon(rf):
    page = render_to_string("base.html", request=rf.get("/"))
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert (settings.BASE_DIR / "static" / "img" / "favicon.svg").exists()
