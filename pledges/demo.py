"""Demo records for the demo province: complete years 2022 and 2023, and 2024 under way.

Inserted in bulk (no per-row services) so that `seed_demo --members 60000` stays fast; the
values obey the same rules the services enforce (one pledge per person and year, states and
dates consistent, evaluations only on evaluated pledges).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from committees.demo.province import BLOC_NAME, CLOSED_YEARS, DEMO_YEARS, ROOT_NAME, TRADE_NAME
from committees.models import CELL_KINDS, Membership, Organization, OrganizationKind, Person
from pledges.models import (
    DEFAULT_AUTHORITY,
    Commendation,
    CommendationForm,
    Directive,
    DocumentType,
    Evaluation,
    Exemplar,
    Plan,
    Pledge,
    PledgeArea,
    PledgeItem,
    PledgeState,
    SessionKind,
    StudySession,
    Theme,
)

TERM_THEME = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý chí tự lực, tự cường "
    "và khát vọng phát triển đất nước phồn vinh, hạnh phúc"
)
YEAR_THEMES = {
    2022: "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về xây dựng đội ngũ cán bộ, đảng viên "
    "thật sự tiên phong, gương mẫu, có đạo đức cách mạng trong sáng, bản lĩnh chính trị vững vàng, "
    "đủ năng lực đáp ứng yêu cầu, nhiệm vụ hiện nay",
    2023: "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý thức tôn trọng Nhân dân, "
    "phát huy dân chủ, chăm lo đời sống Nhân dân",
    2024: "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về trách nhiệm nêu gương "
    "của cán bộ, đảng viên gắn với xây dựng, chỉnh đốn Đảng",
}

ITEM_TEXTS = {
    PledgeArea.ETHICS: [
        "Giữ gìn phẩm chất đạo đức, lối sống giản dị, trung thực",
        "Không vi phạm những điều đảng viên không được làm",
    ],
    PledgeArea.THRIFT: ["Tiết kiệm điện, nước, văn phòng phẩm tại cơ quan", "Thực hiện đúng quy chế chi tiêu nội bộ"],
    PledgeArea.WORKPLACE: ["Chấp hành nghiêm giờ giấc làm việc", "Thực hiện tốt quy tắc ứng xử văn hóa công sở"],
    PledgeArea.SERVICE: ["Giải quyết hồ sơ, thủ tục hành chính đúng hạn", "Tận tình hướng dẫn tổ chức, công dân"],
    PledgeArea.EXAMPLE: [
        "Gương mẫu đi đầu trong thực hiện nhiệm vụ được giao",
        "Nêu gương trong gia đình và nơi cư trú",
    ],
    PledgeArea.CRITICISM: ["Thẳng thắn tự phê bình và phê bình trong sinh hoạt chi bộ"],
}
TARGETS = ["100% ngày công", "Giảm 10% chi phí", "100% hồ sơ đúng hạn", "Không có phản ánh", "Đạt 100%", ""]
EXEMPLAR_NAMES = [
    "Mô hình “Ngày thứ Bảy tình nguyện”",
    "Mô hình “Cơ quan không khói thuốc, tiết kiệm điện”",
    "Mô hình “Một cửa thân thiện”",
    "Mô hình “Mỗi tuần một việc tốt”",
    "Cách làm hay “Số hóa hồ sơ, giảm giấy tờ”",
    "Mô hình “Dân vận khéo” tại cơ sở",
]

# (symbol, date, title, issuer name, organization key, implements symbol)
DIRECTIVES = [
    (
        "05-CT/TW",
        datetime.date(2016, 5, 15),
        "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "Bộ Chính trị",
        None,
        None,
    ),
    (
        "01-KL/TW",
        datetime.date(2021, 5, 18),
        "Về tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị",
        "Bộ Chính trị",
        None,
        "05-CT/TW",
    ),
    (
        "52-KH/TU",
        datetime.date(2022, 3, 4),
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2022",
        "",
        "root",
        "01-KL/TW",
    ),
    (
        "30-KH/ĐUK",
        datetime.date(2022, 3, 7),
        "Về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2022",
        "",
        "bloc",
        "52-KH/TU",
    ),
    (
        "475-CV/ĐUK",
        datetime.date(2022, 4, 12),
        "Về hướng dẫn học tập và đăng ký làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2022",
        "",
        "bloc",
        "30-KH/ĐUK",
    ),
    (
        "20-KH/ĐU",
        datetime.date(2022, 4, 15),
        "Về việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2022",
        "",
        "trade",
        "30-KH/ĐUK",
    ),
    (
        "95-KH/TU",
        datetime.date(2023, 2, 20),
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2023",
        "",
        "root",
        "01-KL/TW",
    ),
    (
        "41-KH/ĐUK",
        datetime.date(2023, 3, 1),
        "Về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2023",
        "",
        "bloc",
        "95-KH/TU",
    ),
    (
        "18-KH/ĐU",
        datetime.date(2023, 3, 20),
        "Về việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2023",
        "",
        "trade",
        "41-KH/ĐUK",
    ),
    (
        "120-KH/TU",
        datetime.date(2024, 2, 26),
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2024",
        "",
        "root",
        "01-KL/TW",
    ),
    (
        "55-KH/ĐUK",
        datetime.date(2024, 3, 5),
        "Về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2024",
        "",
        "bloc",
        "120-KH/TU",
    ),
    (
        "12-KH/ĐU",
        datetime.date(2024, 3, 18),
        "Về việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm 2024",
        "",
        "trade",
        "55-KH/ĐUK",
    ),
]
PLAN_DIRECTIVES = {
    ("bloc", 2022): "30-KH/ĐUK",
    ("bloc", 2023): "41-KH/ĐUK",
    ("bloc", 2024): "55-KH/ĐUK",
    ("trade", 2022): "20-KH/ĐU",
    ("trade", 2023): "18-KH/ĐU",
    ("trade", 2024): "12-KH/ĐU",
}
OPEN_YEAR = 2024


def records_exist() -> bool:
    return Theme.objects.exists() or Pledge.objects.exists()


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _themes() -> dict[int, Theme]:
    Theme.objects.create(kind=Theme.Kind.TERM, term_start=2021, term_end=2025, title=TERM_THEME)
    return {
        year: Theme.objects.create(kind=Theme.Kind.YEARLY, year=year, title=title)
        for year, title in YEAR_THEMES.items()
    }


def _directives(orgs: dict[str, Organization]) -> dict[str, Directive]:
    types = {t.code: t for t in DocumentType.objects.all()}
    made: dict[str, Directive] = {}
    for symbol, issued_on, title, issuer_name, org_key, implements in DIRECTIVES:
        number, rest = symbol.split("-", 1)
        type_code, issuer_code = rest.split("/")
        made[symbol] = Directive.objects.create(
            number=int(number),
            doc_type=types[type_code],
            issuer_code=issuer_code,
            issued_on=issued_on,
            title=title,
            issuer_name=issuer_name,
            issuing_organization=orgs.get(org_key) if org_key else None,
            implements=made.get(implements) if implements else None,
        )
    return made


def _plans(orgs, themes, directives) -> None:
    grassroots = list(Organization.objects.filter(kind=OrganizationKind.GRASSROOTS, path__startswith=orgs["bloc"].path))
    plans = []
    for year in DEMO_YEARS:
        for key in ("bloc",):
            plans.append(
                Plan(
                    organization=orgs[key],
                    year=year,
                    theme=themes[year],
                    directive=directives[PLAN_DIRECTIVES[(key, year)]],
                    pledge_deadline=datetime.date(year, 4, 30),
                )
            )
        for org in grassroots:
            symbol = PLAN_DIRECTIVES.get(("trade", year)) if org.pk == orgs["trade"].pk else None
            plans.append(
                Plan(
                    organization=org,
                    year=year,
                    theme=themes[year],
                    directive=directives[symbol] if symbol else None,
                    pledge_deadline=datetime.date(year, 4, 30),
                )
            )
    Plan.objects.bulk_create(plans, batch_size=2000)


def _items(rng: random.Random, year: int, count: int, *, assess: bool) -> list[dict]:
    areas = rng.sample(list(ITEM_TEXTS), count)
    items = []
    for area in areas:
        result = ""
        if assess:
            roll = rng.random()
            result = "done" if roll < 0.8 else "partly" if roll < 0.95 else "not_done"
        items.append(
            {
                "content": rng.choice(ITEM_TEXTS[area]),
                "area": area,
                "target": rng.choice(TARGETS),
                "due_on": datetime.date(year, 12, 31) if rng.random() < 0.5 else None,
                "result": result,
                "assessed_on": datetime.date(year, 12, 15) if result else None,
            }
        )
    return items


def _personal_state(rng: random.Random, year: int) -> str | None:
    """None: no pledge. Past years are complete; the open year is under way."""
    roll = rng.random()
    if year != OPEN_YEAR:
        return None if roll < 0.02 else PledgeState.EVALUATED
    if roll < 0.22:
        return None
    return rng.choices(
        [PledgeState.DRAFT, PledgeState.SUBMITTED, PledgeState.ACCEPTED, PledgeState.RETURNED], [10, 30, 45, 5]
    )[0]


def _evaluation(rng: random.Random) -> str:
    return rng.choices(
        [Evaluation.EXCELLENT, Evaluation.GOOD, Evaluation.COMPLETE, Evaluation.INCOMPLETE], [15, 60, 22, 3]
    )[0]


def _pledges(rng, cells, members) -> None:
    pledges, item_rows = [], []
    for year in DEMO_YEARS:
        people_by_cell = members[year]
        for cell in cells:
            for person in people_by_cell.get(cell.pk, []):
                if person.exemption:
                    continue
                state = _personal_state(rng, year)
                if state is None:
                    continue
                on_time = rng.random() < 0.9
                submitted = None
                if state != PledgeState.DRAFT:
                    submitted = (
                        datetime.date(year, 4, rng.randint(1, 30))
                        if on_time
                        else datetime.date(year, 5, rng.randint(2, 20))
                    )
                evaluated = state == PledgeState.EVALUATED
                pledges.append(
                    Pledge(
                        kind=Pledge.Kind.PERSONAL,
                        person=person,
                        organization=cell,
                        year=year,
                        form=person.pledge_form,
                        state=state,
                        submitted_on=submitted,
                        on_time=on_time if submitted else None,
                        review_comment="Cần ghi rõ chỉ tiêu đo được" if state == PledgeState.RETURNED else "",
                        evaluation=_evaluation(rng) if evaluated else "",
                        evaluated_at=_aware(datetime.date(year, 12, 20)) if evaluated else None,
                    )
                )
                # Accepted pledges of the open year are partly self-assessed already.
                assess = evaluated or (state == PledgeState.ACCEPTED and rng.random() < 0.3)
                item_rows.append(_items(rng, year, rng.randint(3, 4), assess=assess))
        for cell in cells:
            if people_by_cell.get(cell.pk):
                pledges.append(Pledge(kind=Pledge.Kind.COLLECTIVE, organization=cell, year=year, form=""))
                item_rows.append(_items(rng, year, 2, assess=year != OPEN_YEAR))
    created = Pledge.objects.bulk_create(pledges, batch_size=5000)
    PledgeItem.objects.bulk_create(
        [
            PledgeItem(pledge=pledge, position=position, **item)
            for pledge, items in zip(created, item_rows, strict=True)
            for position, item in enumerate(items, start=1)
        ],
        batch_size=10000,
    )


def _sessions(rng, cells, members, themes, bloc) -> None:
    sessions, attendance = [], []
    for year in DEMO_YEARS:
        people_by_cell = members[year]
        meetings = [(SessionKind.STUDY, datetime.date(year, 3, 25), f"Học tập, quán triệt chuyên đề năm {year}")]
        quarters = 2 if year == OPEN_YEAR else 4
        meetings += [
            (SessionKind.THEMATIC, datetime.date(year, 3 * q, 20), f"Sinh hoạt chuyên đề quý {q} năm {year}")
            for q in range(1, quarters + 1)
        ]
        for cell in cells:
            cell_members = people_by_cell.get(cell.pk, [])
            if not cell_members:
                continue
            for kind, day, topic in meetings:
                if kind == SessionKind.THEMATIC and rng.random() < 0.06:
                    continue  # a few cells fall behind: the dashboard must show it
                sessions.append(
                    StudySession(organization=cell, held_on=day, kind=kind, topic=topic, theme=themes[year])
                )
                attendance.append([p for p in cell_members if rng.random() < 0.96])
        sessions.append(
            StudySession(
                organization=bloc,
                held_on=datetime.date(year, 4, 8),
                kind=SessionKind.ONLINE,
                theme=themes[year],
                topic=f"Hội nghị trực tuyến học tập chuyên đề năm {year}",
                bridge_points=61,
                extra_party_members=1950,
                extra_union_members=640,
                extra_others=111,
            )
        )
        attendance.append([])
    created = StudySession.objects.bulk_create(sessions, batch_size=5000)
    through = StudySession.attendees.through
    rows = [
        through(studysession_id=s.pk, person_id=p.pk)
        for s, people in zip(created, attendance, strict=True)
        for p in people
    ]
    through.objects.bulk_create(rows, batch_size=20000)


def _exemplars(rng, cells, members, orgs) -> None:
    exemplars = []
    for year in DEMO_YEARS:
        for cell in cells:
            if members[year].get(cell.pk) and rng.random() < 0.85:
                status = (
                    Exemplar.Status.REPLICATED
                    if year < OPEN_YEAR and rng.random() < 0.3
                    else (Exemplar.Status.IMPLEMENTED if year < OPEN_YEAR else Exemplar.Status.REGISTERED)
                )
                exemplars.append(
                    Exemplar(
                        organization=cell,
                        year=year,
                        name=rng.choice(EXEMPLAR_NAMES),
                        unit=cell.name,
                        status=status,
                        description="Đăng ký thực hiện và nhân rộng trong đơn vị.",
                    )
                )
        exemplars.append(
            Exemplar(
                organization=orgs["trade"],
                year=year,
                name="Mô hình “Chợ văn minh, thương nhân thân thiện”",
                unit="Đảng ủy Sở Công Thương",
                status=Exemplar.Status.REPLICATED,
                description="Phối hợp các chợ trên địa bàn xây dựng văn minh thương mại.",
            )
        )
    Exemplar.objects.bulk_create(exemplars, batch_size=5000)


def _commendations(rng, cells, members, orgs) -> None:
    rows = []
    for year in DEMO_YEARS:
        people_by_cell = members[year]
        decided = datetime.date(year, 5, 19)
        status = Commendation.Status.PROPOSED if year == OPEN_YEAR else Commendation.Status.GRANTED
        for cell in cells:
            for person in people_by_cell.get(cell.pk, []):
                if rng.random() < 0.05:
                    rows.append(
                        Commendation(
                            organization=cell,
                            year=year,
                            recipient_person=person,
                            form=CommendationForm.PRAISE,
                            authority="Ban Thường vụ Đảng ủy Khối",
                            occasion=Commendation.Occasion.BIRTHDAY,
                            status=status,
                            decision_number=f"{rng.randint(100, 999)}-QĐ/ĐUK" if status == "granted" else "",
                            decision_date=decided if status == "granted" else None,
                            proposed_to=orgs["bloc"],
                            reason="Có thành tích trong học tập và làm theo Bác",
                        )
                    )
            if rng.random() < 0.2:
                rows.append(
                    Commendation(
                        organization=cell,
                        year=year,
                        recipient_organization=cell,
                        form=CommendationForm.CERTIFICATE,
                        authority="Ban Thường vụ Đảng ủy Khối",
                        occasion=Commendation.Occasion.YEAR_END,
                        status=status,
                        decision_date=datetime.date(year, 12, 28) if status == "granted" else None,
                        proposed_to=orgs["bloc"],
                    )
                )
        people = [p for group in people_by_cell.values() for p in group]
        top = rng.sample(people, 2)
        special = [
            (CommendationForm.PRIME_MINISTER, top[0], None),
            (CommendationForm.PROVINCE_CHAIR, None, orgs["trade"]),
            (CommendationForm.LABOUR, None, orgs["cell"]),
            (CommendationForm.PROVINCE_CHAIR, top[1], None),
        ]
        for form, person, org in special:
            rows.append(
                Commendation(
                    organization=person.organization if person else org,
                    year=year,
                    recipient_person=person,
                    recipient_organization=org,
                    form=form,
                    authority=DEFAULT_AUTHORITY[form],
                    occasion=Commendation.Occasion.FIVE_YEAR
                    if form == CommendationForm.PRIME_MINISTER
                    else Commendation.Occasion.YEAR_END,
                    status=status,
                    decision_date=datetime.date(year, 11, 30) if status == "granted" else None,
                    decision_number=f"{rng.randint(1000, 2999)}/QĐ-UBND" if status == "granted" else "",
                    proposed_to=orgs["root"],
                )
            )
    Commendation.objects.bulk_create(rows, batch_size=5000)


def _close_past_years(orgs) -> None:
    Plan.objects.filter(organization=orgs["bloc"], year__in=CLOSED_YEARS).update(
        is_closed=True, closed_at=_aware(datetime.date(2024, 1, 15))
    )


@transaction.atomic
def build_records(*, seed: int = 2023) -> None:
    rng = random.Random(seed)
    orgs = {
        key: Organization.objects.get(name=name)
        for key, name in {"root": ROOT_NAME, "bloc": BLOC_NAME, "trade": TRADE_NAME}.items()
    }
    orgs["cell"] = Organization.objects.get(name="Chi bộ Văn phòng Sở Công Thương")
    themes = _themes()
    directives = _directives(orgs)
    _plans(orgs, themes, directives)
    cells = list(Organization.objects.filter(kind__in=CELL_KINDS).order_by("path"))
    members = _members_by_year()
    _pledges(rng, cells, members)
    _sessions(rng, cells, members, themes, orgs["bloc"])
    _exemplars(rng, cells, members, orgs)
    _commendations(rng, cells, members, orgs)
    _close_past_years(orgs)


def _members_by_year() -> dict[int, dict[int, list[Person]]]:
    """Where each person belonged at the end of each demo year: records are made there, so
    the merged cell keeps its 2022 records."""
    people = {p.pk: p for p in Person.objects.order_by("pk")}
    result: dict[int, dict[int, list[Person]]] = {year: {} for year in DEMO_YEARS}
    for membership in Membership.objects.order_by("person_id", "start_on"):
        for year in DEMO_YEARS:
            day = datetime.date(year, 12, 31)
            if membership.start_on <= day and (membership.end_on is None or membership.end_on >= day):
                result[year].setdefault(membership.organization_id, []).append(people[membership.person_id])
    return result
