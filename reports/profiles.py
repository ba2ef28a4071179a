"""Layout profiles of Party documents, as data: a new guidance is a new profile, not code.

The 2018 profile follows Hướng dẫn 36-HD/VPTW of 03/4/2018 on the presentation of Party
documents: A4, margins 20/20/30/15 mm, Times New Roman (a metric-compatible font with full
Vietnamese coverage is shipped), header in two columns, a star under the issuing body,
page numbers from page 2 centred at the top.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LayoutProfile:
    code: str
    name: str
    page_size: str = "A4"
    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    font_family: str = "Liberation Serif"
    font_files: dict[str, str] = field(
        default_factory=lambda: {
            "normal-normal": "LiberationSerif-Regular.ttf",
            "bold-normal": "LiberationSerif-Bold.ttf",
            "normal-italic": "LiberationSerif-Italic.ttf",
            "bold-italic": "LiberationSerif-BoldItalic.ttf",
        }
    )
    superior_size_pt: float = 14
    issuer_size_pt: float = 14
    motto_size_pt: float = 15  # "ĐẢNG CỘNG SẢN VIỆT NAM"
    place_date_size_pt: float = 14
    number_size_pt: float = 14
    title_size_pt: float = 16
    summary_size_pt: float = 14
    title_rule_mm: float = 30  # the short solid rule under the title
    title_rule_pt: float = 1
    body_size_pt: float = 14
    line_height_pt: float = 20
    paragraph_spacing_pt: float = 6
    first_line_indent_mm: float = 10
    page_number_size_pt: float = 14
    signature_size_pt: float = 14
    recipients_heading_size_pt: float = 14
    recipients_size_pt: float = 12
    table_size_pt: float = 11
    party_name: str = "ĐẢNG CỘNG SẢN VIỆT NAM"
    star: str = "*"
    report_type_code: str = "BC"


PROFILES = {
    "hd36-2018": LayoutProfile(code="hd36-2018", name="Hướng dẫn 36-HD/VPTW ngày 03/4/2018"),
}
DEFAULT_PROFILE = "hd36-2018"


def profile_for(code: str | None) -> LayoutProfile:
    return PROFILES.get(code or DEFAULT_PROFILE, PROFILES[DEFAULT_PROFILE])


def profile_choices() -> list[tuple[str, str]]:
    return [(profile.code, profile.name) for profile in PROFILES.values()]
