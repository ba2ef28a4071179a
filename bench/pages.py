"""What the load test's users read in the app's pages (bench/locustfile.py).

Kept apart from locust (which patches the standard library on import) so that the tests can
check these readings against the real pages: a template change that would silently turn the
load test into a stream of refused forms fails tests/test_bench_load.py instead.
"""

import re
from html import unescape

HIDDEN_INPUT = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")
ATTRIBUTE = re.compile(r"\b(name|value)=\"([^\"]*)\"")
AREA_SELECT = re.compile(r"<select name=\"items-0-area\"[^>]*>(.*?)</select>", re.S)
OPTION_VALUE = re.compile(r"<option value=\"([^\"]+)\"")
# The name cell of each row of the dashboard's child table (a row header: <th scope="row">).
CHILD_DASHBOARD = re.compile(
    r"<t[hd][^>]*class=\"dashboard-name[^\"]*\"><a href=\"(/to-chuc/\d+/nam/\d+/tong-quan/)\">"
)
STATIC_ASSET = re.compile(r"(?:href|src)=\"(/static/[^\"]+)\"")

# What a secretary types: three items, each with a measurable target.
ITEMS = [
    ("Chấp hành nghiêm giờ giấc làm việc, không đi muộn về sớm", "100% ngày công"),
    ("Giải quyết hồ sơ, thủ tục hành chính đúng hạn, tận tình hướng dẫn công dân", "100% hồ sơ đúng hạn"),
    ("Tiết kiệm điện, nước, văn phòng phẩm tại cơ quan", "Giảm 10% chi phí"),
]


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page: CSRF token, formset management form, version."""
    fields = {}
    for tag in HIDDEN_INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return fields


def entry_links(html: str, year: int) -> list[str]:
    """The pledge entry pages linked from a roster, in the roster's order."""
    return re.findall(rf"href=\"(/ca-nhan/\d+/nam/{year}/ke-hoach/)\"", html)


def child_dashboards(html: str) -> list[str]:
    """The dashboards of the organizations in a dashboard's table (the drill-down)."""
    return CHILD_DASHBOARD.findall(html)


def static_assets(html: str) -> list[str]:
    return sorted(set(STATIC_ASSET.findall(html)))


def pledge_items(html: str, year: int) -> dict[str, str]:
    """The blank rows of a new pledge's form (three of them), filled in."""
    select = AREA_SELECT.search(html)
    areas = OPTION_VALUE.findall(select.group(1)) if select else []
    data = {}
    for index, (content, target) in enumerate(ITEMS):
        data[f"items-{index}-content"] = content
        data[f"items-{index}-area"] = areas[index % len(areas)] if areas else ""
        data[f"items-{index}-target"] = target
        data[f"items-{index}-due_on"] = f"{year}-12-31"
    return data
