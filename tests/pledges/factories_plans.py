"""Themes and the directive cascade of the test world, built through the services."""

import datetime

from pledges.models import Theme
from pledges.services.plans import directive_create

THEME_2024 = "Học tập và làm theo Bác về trách nhiệm nêu gương của cán bộ, đảng viên"


def make_theme(year: int = 2024, title: str = THEME_2024) -> Theme:
    return Theme.objects.create(kind=Theme.Kind.YEARLY, year=year, title=title)


def make_term_theme(start: int = 2021, end: int = 2025) -> Theme:
    return Theme.objects.create(
        kind=Theme.Kind.TERM, term_start=start, term_end=end, title="Ý chí tự lực, tự cường và khát vọng phát triển"
    )


def make_cascade(world) -> dict:
    """05-CT/TW → 01-KL/TW → 52-KH/TU → 30-KH/ĐUK → 20-KH/ĐU, as in the province's files."""
    ct = directive_create(
        symbol="05-CT/TW",
        issued_on=datetime.date(2016, 5, 15),
        title="Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        issuer_name="Bộ Chính trị",
    )
    kl = directive_create(
        symbol="01-KL/TW",
        issued_on=datetime.date(2021, 5, 18),
        title="Về tiếp tục thực hiện Chỉ thị số 05-CT/TW",
        issuer_name="Bộ Chính trị",
        implements=ct,
    )
    tu = directive_create(
        symbol="52-KH/TU",
        issued_on=datetime.date(2022, 3, 4),
        title="Học tập và làm theo Bác chuyên đề năm 2022",
        issuing_organization=world.province,
        implements=kl,
    )
    duk = directive_create(
        symbol="30-KH/ĐUK",
        issued_on=datetime.date(2022, 3, 7),
        title="Về học tập và làm theo Bác chuyên đề năm 2022 (Khối)",
        issuing_organization=world.bloc,
        implements=tu,
    )
    du = directive_create(
        symbol="20-KH/ĐU",
        issued_on=datetime.date(2022, 4, 15),
        title="Về việc học tập và làm theo Bác chuyên đề năm 2022 (Sở Công Thương)",
        issuing_organization=world.committee_a,
        implements=duk,
    )
    return {"ct": ct, "kl": kl, "tu": tu, "duk": duk, "du": du}
