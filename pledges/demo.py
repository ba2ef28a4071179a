"""Demo records for the demo province: the two years before this one complete, this year under way.

Years and dates follow the day the demo is built (committees.demo.timeline): this year's
records reach only up to today (sessions, hand-ins, self-assessments, models, commendations),
so before the 30/4 deadline part of the pledges are still missing or drafts, after it most are
in and some came late.

Inserted in bulk (no per-row services) so that `seed_demo --members 60000` stays fast; the
values obey the same rules the services enforce (one pledge per person and year, states and
dates consistent, evaluations only on evaluated pledges).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from committees.demo.province import BLOC_NAME, ROOT_NAME, TRADE_NAME
from committees.demo.timeline import Timeline, timeline
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

# Party congress terms: 2021–2025, 2026–2030, ...
FIRST_TERM_START = 2021
TERM_LENGTH = 5
# The real titles where we know them; other years get a neutral title.
TERM_THEMES = {
    2021: "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý chí tự lực, tự cường "
    "và khát vọng phát triển đất nước phồn vinh, hạnh phúc",
}
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

# The central documents every demo year implements, fixed in the past:
# (symbol, date, title, implements symbol).
CENTRAL_DIRECTIVES = [
    (
        "05-CT/TW",
        datetime.date(2016, 5, 15),
        "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        None,
    ),
    (
        "01-KL/TW",
        datetime.date(2021, 5, 18),
        "Về tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị",
        "05-CT/TW",
    ),
]
CENTRAL_ISSUER = "Bộ Chính trị"
TITLES = {
    "root": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm {year}",
    "bloc": "Về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm {year}",
    "guide": "Về hướng dẫn học tập và đăng ký làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm {year}",
    "trade": "Về việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh chuyên đề năm {year}",
}
# Each demo year's cascade, oldest demo year first: the Tỉnh ủy's plan early in the year, the
# bloc's a few days later, the Đảng ủy Sở Công Thương's after that. Numbers and days are those
# of the 2022, 2023 and 2024 plans in the seed documents, moved to the demo's years.
# (symbol, (month, day), organization key, implements symbol, title key)
CASCADES = (
    (
        ("52-KH/TU", (3, 4), "root", "01-KL/TW", "root"),
        ("30-KH/ĐUK", (3, 7), "bloc", "52-KH/TU", "bloc"),
        ("475-CV/ĐUK", (4, 12), "bloc", "30-KH/ĐUK", "guide"),
        ("20-KH/ĐU", (4, 15), "trade", "30-KH/ĐUK", "trade"),
    ),
    (
        ("95-KH/TU", (2, 20), "root", "01-KL/TW", "root"),
        ("41-KH/ĐUK", (3, 1), "bloc", "95-KH/TU", "bloc"),
        ("18-KH/ĐU", (3, 20), "trade", "41-KH/ĐUK", "trade"),
    ),
    (
        ("120-KH/TU", (2, 26), "root", "01-KL/TW", "root"),
        ("55-KH/ĐUK", (3, 5), "bloc", "120-KH/TU", "bloc"),
        ("12-KH/ĐU", (3, 18), "trade", "55-KH/ĐUK", "trade"),
    ),
)

# The year's calendar, (month, day), the same every year.
HAND_IN_FROM = (1, 15)  # personal plans come in from mid-January until the deadline
LATE_DAYS = (2, 20)  # a late plan comes this many days after the deadline
STUDY_DAY = (3, 25)  # each cell studies the theme; cells register their models there
ONLINE_CONFERENCE_DAY = (4, 8)
THEMATIC_DAY = 20  # of each quarter's last month
SELF_ASSESSMENT_FROM = (7, 1)  # mid-year review of the items
ASSESSED_ON = (12, 15)
EVALUATED_ON = (12, 20)
PRAISE_DAY = (5, 19)
CERTIFICATE_DAY = (12, 28)
HIGH_AWARD_DAY = (11, 30)
PROPOSAL_LEAD_DAYS = 30  # a commendation is proposed this long before it is decided


def term_of(year: int) -> tuple[int, int]:
    """The congress term a year belongs to: 2024 → (2021, 2025), 2026 → (2026, 2030)."""
    start = FIRST_TERM_START + (year - FIRST_TERM_START) // TERM_LENGTH * TERM_LENGTH
    return start, start + TERM_LENGTH - 1


def term_theme_title(start: int, end: int) -> str:
    return TERM_THEMES.get(
        start, f"Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh nhiệm kỳ {start} - {end}"
    )


def year_theme_title(year: int) -> str:
    return YEAR_THEMES.get(year, f"Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm {year}")


def records_exist() -> bool:
    return Theme.objects.exists() or Pledge.objects.exists()


def _day(year: int, day_month: tuple[int, int]) -> datetime.date:
    month, day = day_month
    return datetime.date(year, month, day)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _themes(when: Timeline) -> dict[int, Theme]:
    for start, end in sorted({term_of(year) for year in when.years}):
        Theme.objects.create(kind=Theme.Kind.TERM, term_start=start, term_end=end, title=term_theme_title(start, end))
    return {
        year: Theme.objects.create(kind=Theme.Kind.YEARLY, year=year, title=year_theme_title(year))
        for year in when.years
    }


def _directives(orgs: dict[str, Organization], when: Timeline) -> dict[str, Directive]:
    """The central documents and each year's cascade, but none issued after today."""
    types = {t.code: t for t in DocumentType.objects.all()}
    rows = [
        (symbol, day, title, CENTRAL_ISSUER, None, implements) for symbol, day, title, implements in CENTRAL_DIRECTIVES
    ]
    for year in when.years:
        for symbol, day_month, org_key, implements, title_key in CASCADES[when.offset(year)]:
            rows.append((symbol, _day(year, day_month), TITLES[title_key].format(year=year), "", org_key, implements))
    made: dict[str, Directive] = {}
    for symbol, issued_on, title, issuer_name, org_key, implements in rows:
        if not when.has_come(issued_on):
            continue
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


def _plan_directive(directives: dict[str, Directive], when: Timeline, year: int, org_key: str) -> Directive | None:
    """The organization's plan (KH) of the year's cascade, once issued."""
    for symbol, _day_month, key, _implements, _title in CASCADES[when.offset(year)]:
        if key == org_key and "-KH/" in symbol:
            return directives.get(symbol)
    return None


def _plans(orgs, themes, directives, when: Timeline) -> None:
    grassroots = list(Organization.objects.filter(kind=OrganizationKind.GRASSROOTS, path__startswith=orgs["bloc"].path))
    plans = []
    for year in when.years:
        deadline = when.pledge_deadline(year)
        plans.append(
            Plan(
                organization=orgs["bloc"],
                year=year,
                theme=themes[year],
                directive=_plan_directive(directives, when, year, "bloc"),
                pledge_deadline=deadline,
            )
        )
        trade_directive = _plan_directive(directives, when, year, "trade")
        for org in grassroots:
            plans.append(
                Plan(
                    organization=org,
                    year=year,
                    theme=themes[year],
                    directive=trade_directive if org.pk == orgs["trade"].pk else None,
                    pledge_deadline=deadline,
                )
            )
    Plan.objects.bulk_create(plans, batch_size=2000)


def _items(rng: random.Random, year: int, count: int, *, assessed_on: datetime.date | None) -> list[dict]:
    areas = rng.sample(list(ITEM_TEXTS), count)
    items = []
    for area in areas:
        result = ""
        if assessed_on:
            roll = rng.random()
            result = "done" if roll < 0.8 else "partly" if roll < 0.95 else "not_done"
        items.append(
            {
                "content": rng.choice(ITEM_TEXTS[area]),
                "area": area,
                "target": rng.choice(TARGETS),
                "due_on": datetime.date(year, 12, 31) if rng.random() < 0.5 else None,
                "result": result,
                "assessed_on": assessed_on if result else None,
            }
        )
    return items


def _hand_in_day(rng: random.Random, year: int, deadline: datetime.date) -> datetime.date:
    """The day a person hands in their plan: nine in ten by the deadline, the others late."""
    if rng.random() < 0.9:
        first = _day(year, HAND_IN_FROM)
        return first + datetime.timedelta(days=rng.randint(0, (deadline - first).days))
    return deadline + datetime.timedelta(days=rng.randint(*LATE_DAYS))


def _personal_state(rng: random.Random, year: int, when: Timeline) -> tuple[str, datetime.date | None] | None:
    """(state, day handed in), or None: no pledge. Past years are complete; in this year a
    plan whose day has not come yet is missing, or a draft."""
    handed_in = _hand_in_day(rng, year, when.pledge_deadline(year))
    roll = rng.random()
    if year != when.open_year:
        return None if roll < 0.02 else (PledgeState.EVALUATED, handed_in)
    if roll < 0.06:
        return None  # not handed in at all, so far
    if roll < 0.10:
        return PledgeState.DRAFT, None  # written, never sent
    if not when.has_come(handed_in):
        return (PledgeState.DRAFT, None) if rng.random() < 0.35 else None
    state = rng.choices([PledgeState.SUBMITTED, PledgeState.ACCEPTED, PledgeState.RETURNED], [35, 60, 5])[0]
    return state, handed_in


def _self_assessed_on(rng: random.Random, when: Timeline) -> datetime.date | None:
    """Some accepted pledges of this year are already self-assessed, from the mid-year review on."""
    first = _day(when.open_year, SELF_ASSESSMENT_FROM)
    last = min(when.today, _day(when.open_year, ASSESSED_ON))
    if last < first or rng.random() >= 0.3:
        return None
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _evaluation(rng: random.Random) -> str:
    return rng.choices(
        [Evaluation.EXCELLENT, Evaluation.GOOD, Evaluation.COMPLETE, Evaluation.INCOMPLETE], [15, 60, 22, 3]
    )[0]


def _pledges(rng, cells, members, when: Timeline) -> None:
    pledges, item_rows = [], []
    for year in when.years:
        people_by_cell = members[year]
        deadline = when.pledge_deadline(year)
        complete = year != when.open_year
        for cell in cells:
            for person in people_by_cell.get(cell.pk, []):
                if person.exemption:
                    continue
                outcome = _personal_state(rng, year, when)
                if outcome is None:
                    continue
                state, submitted = outcome
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
                        on_time=submitted <= deadline if submitted else None,
                        review_comment="Cần ghi rõ chỉ tiêu đo được" if state == PledgeState.RETURNED else "",
                        evaluation=_evaluation(rng) if evaluated else "",
                        evaluated_at=_aware(_day(year, EVALUATED_ON)) if evaluated else None,
                    )
                )
                if evaluated:
                    assessed_on = _day(year, ASSESSED_ON)
                elif state == PledgeState.ACCEPTED:
                    assessed_on = _self_assessed_on(rng, when)
                else:
                    assessed_on = None
                item_rows.append(_items(rng, year, rng.randint(3, 4), assessed_on=assessed_on))
        for cell in cells:
            if people_by_cell.get(cell.pk):
                pledges.append(Pledge(kind=Pledge.Kind.COLLECTIVE, organization=cell, year=year, form=""))
                item_rows.append(_items(rng, year, 2, assessed_on=_day(year, ASSESSED_ON) if complete else None))
    created = Pledge.objects.bulk_create(pledges, batch_size=5000)
    PledgeItem.objects.bulk_create(
        [
            PledgeItem(pledge=pledge, position=position, **item)
            for pledge, items in zip(created, item_rows, strict=True)
            for position, item in enumerate(items, start=1)
        ],
        batch_size=10000,
    )


def _meetings(year: int, when: Timeline) -> list[tuple[str, datetime.date, str]]:
    """Each cell's study of the theme and its quarterly thematic meetings, those held by today."""
    meetings = [(SessionKind.STUDY, _day(year, STUDY_DAY), f"Học tập, quán triệt chuyên đề năm {year}")]
    meetings += [
        (SessionKind.THEMATIC, datetime.date(year, 3 * q, THEMATIC_DAY), f"Sinh hoạt chuyên đề quý {q} năm {year}")
        for q in range(1, 5)
    ]
    return [meeting for meeting in meetings if when.has_come(meeting[1])]


def _sessions(rng, cells, members, themes, bloc, when: Timeline) -> None:
    sessions, attendance = [], []
    for year in when.years:
        people_by_cell = members[year]
        meetings = _meetings(year, when)
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
        if when.has_come(_day(year, ONLINE_CONFERENCE_DAY)):
            sessions.append(
                StudySession(
                    organization=bloc,
                    held_on=_day(year, ONLINE_CONFERENCE_DAY),
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


def _exemplar_status(rng: random.Random, year: int, when: Timeline) -> str:
    if year != when.open_year:
        return Exemplar.Status.REPLICATED if rng.random() < 0.3 else Exemplar.Status.IMPLEMENTED
    if when.has_come(_day(year, SELF_ASSESSMENT_FROM)):
        return Exemplar.Status.IMPLEMENTED
    return Exemplar.Status.REGISTERED


def _exemplars(rng, cells, members, orgs, when: Timeline) -> None:
    """Cells register their models at the study of the theme: none yet this year before it."""
    exemplars = []
    for year in when.years:
        if not when.has_come(_day(year, STUDY_DAY)):
            continue
        for cell in cells:
            if members[year].get(cell.pk) and rng.random() < 0.85:
                exemplars.append(
                    Exemplar(
                        organization=cell,
                        year=year,
                        name=rng.choice(EXEMPLAR_NAMES),
                        unit=cell.name,
                        status=_exemplar_status(rng, year, when),
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


def _commendation_status(decided: datetime.date, when: Timeline) -> str | None:
    """Granted once its decision day has come, proposed in the weeks before, else not yet there."""
    if when.has_come(decided):
        return Commendation.Status.GRANTED
    if when.has_come(decided - datetime.timedelta(days=PROPOSAL_LEAD_DAYS)):
        return Commendation.Status.PROPOSED
    return None


def _commendations(rng, cells, members, orgs, when: Timeline) -> None:
    rows = []
    granted = Commendation.Status.GRANTED
    for year in when.years:
        people_by_cell = members[year]
        praised_on, certified_on, awarded_on = (
            _day(year, PRAISE_DAY),
            _day(year, CERTIFICATE_DAY),
            _day(year, HIGH_AWARD_DAY),
        )
        praise = _commendation_status(praised_on, when)
        certificate = _commendation_status(certified_on, when)
        award = _commendation_status(awarded_on, when)
        for cell in cells:
            for person in people_by_cell.get(cell.pk, []) if praise else []:
                if rng.random() < 0.05:
                    rows.append(
                        Commendation(
                            organization=cell,
                            year=year,
                            recipient_person=person,
                            form=CommendationForm.PRAISE,
                            authority="Ban Thường vụ Đảng ủy Khối",
                            occasion=Commendation.Occasion.BIRTHDAY,
                            status=praise,
                            decision_number=f"{rng.randint(100, 999)}-QĐ/ĐUK" if praise == granted else "",
                            decision_date=praised_on if praise == granted else None,
                            proposed_to=orgs["bloc"],
                            reason="Có thành tích trong học tập và làm theo Bác",
                        )
                    )
            if certificate and rng.random() < 0.2:
                rows.append(
                    Commendation(
                        organization=cell,
                        year=year,
                        recipient_organization=cell,
                        form=CommendationForm.CERTIFICATE,
                        authority="Ban Thường vụ Đảng ủy Khối",
                        occasion=Commendation.Occasion.YEAR_END,
                        status=certificate,
                        decision_date=certified_on if certificate == granted else None,
                        proposed_to=orgs["bloc"],
                    )
                )
        if not award:
            continue
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
                    status=award,
                    decision_date=awarded_on if award == granted else None,
                    decision_number=f"{rng.randint(1000, 2999)}/QĐ-UBND" if award == granted else "",
                    proposed_to=orgs["root"],
                )
            )
    Commendation.objects.bulk_create(rows, batch_size=5000)


def _close_past_years(orgs, when: Timeline) -> None:
    Plan.objects.filter(organization=orgs["bloc"], year__in=when.closed_years).update(
        is_closed=True, closed_at=timezone.now()
    )


@transaction.atomic
def build_records(*, seed: int = 2023, when: Timeline | None = None) -> None:
    when = when or timeline()
    rng = random.Random(seed)
    orgs = {
        key: Organization.objects.get(name=name)
        for key, name in {"root": ROOT_NAME, "bloc": BLOC_NAME, "trade": TRADE_NAME}.items()
    }
    orgs["cell"] = Organization.objects.get(name="Chi bộ Văn phòng Sở Công Thương")
    themes = _themes(when)
    directives = _directives(orgs, when)
    _plans(orgs, themes, directives, when)
    cells = list(Organization.objects.filter(kind__in=CELL_KINDS).order_by("path"))
    members = _members_by_year(when.years)
    _pledges(rng, cells, members, when)
    _sessions(rng, cells, members, themes, orgs["bloc"], when)
    _exemplars(rng, cells, members, orgs, when)
    _commendations(rng, cells, members, orgs, when)
    _close_past_years(orgs, when)


def _members_by_year(years: tuple[int, ...]) -> dict[int, dict[int, list[Person]]]:
    """Where each person belonged at the end of each demo year: records are made there, so
    the merged cell keeps the records of the year before its merge."""
    people = {p.pk: p for p in Person.objects.order_by("pk")}
    result: dict[int, dict[int, list[Person]]] = {year: {} for year in years}
    for membership in Membership.objects.order_by("person_id", "start_on"):
        for year in years:
            day = datetime.date(year, 12, 31)
            if membership.start_on <= day and (membership.end_on is None or membership.end_on >= day):
                result[year].setdefault(membership.organization_id, []).append(people[membership.person_id])
    return result
