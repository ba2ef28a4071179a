"""The demo province: Tỉnh ủy Thanh Hóa and its bloc, built with bulk inserts.

The named part follows the seed documents (Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh,
Đảng ủy Sở Công Thương and its cells); the rest is generated to reach the asked number of
people at about 20 per chi bộ, so the same shape serves a demo and a benchmark. Its years follow
the day it is built (committees.demo.timeline).
"""

import datetime
import math
import random
from dataclasses import dataclass, field

from django.db import transaction

from committees import services
from committees.demo.names import person_name
from committees.demo.timeline import Timeline, timeline
from committees.models import (
    Membership,
    Organization,
    OrganizationKind,
    Person,
    PersonCategory,
    ReportingYear,
)
from committees.text import normalize_text, search_key

ROOT_NAME = "Tỉnh ủy Thanh Hóa"
BLOC_NAME = "Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh"
TRADE_NAME = "Đảng ủy Sở Công Thương"
SECRETARY_CELL_NAME = "Chi bộ Văn phòng Sở Công Thương"
MERGED_CELL_NAME = "Chi bộ Phòng Thương mại điện tử"
PLACE = "Thanh Hoá"
FOUNDED = datetime.date(2010, 1, 1)
PEOPLE_PER_CELL = 20
CELLS_PER_GENERATED_COMMITTEE = 10
# The first generated committee is a large grassroots organization (about 25 cells and 500
# people at benchmark scale): the report benchmark renders it.
CELLS_OF_LARGE_COMMITTEE = 25
LARGE_COMMITTEE_NAME = "Đảng ủy Sở Y tế"

AGENCIES = [
    "Sở Y tế",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Xây dựng",
    "Sở Giao thông Vận tải",
    "Sở Tư pháp",
    "Sở Nội vụ",
    "Sở Tài nguyên và Môi trường",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Thông tin và Truyền thông",
    "Sở Kế hoạch và Đầu tư",
    "Bảo hiểm xã hội tỉnh",
    "Kho bạc Nhà nước tỉnh",
    "Cục Thuế tỉnh",
    "Ngân hàng Nhà nước Chi nhánh tỉnh",
    "Trường Đại học Hồng Đức",
    "Bệnh viện Đa khoa tỉnh",
    "Công ty cổ phần Cảng Nghi Sơn",
    "Đài Phát thanh và Truyền hình tỉnh",
]
UNITS = [
    "Văn phòng",
    "Phòng Tổ chức - Hành chính",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Nghiệp vụ 1",
    "Phòng Nghiệp vụ 2",
    "Phòng Thanh tra",
    "Phòng Pháp chế",
    "Trung tâm Dịch vụ",
    "Phòng Kỹ thuật",
    "Phòng Kinh doanh",
    "Phòng Quản lý chất lượng",
    "Phòng Hợp tác",
]
POSITIONS = [
    "Chuyên viên",
    "Chuyên viên chính",
    "Trưởng phòng",
    "Phó Trưởng phòng",
    "Kế toán",
    "Nhân viên",
    "Cán sự",
    "Kỹ sư",
    "Thanh tra viên",
    "Chuyên viên",
    "Chuyên viên",
    "Nhân viên",
]


@dataclass
class Node:
    name: str
    kind: str
    issuer_code: str = ""
    short_name: str = ""
    people: int = 0
    children: list["Node"] = field(default_factory=list)
    path: str = ""
    organization: Organization | None = None


def _cell(name: str, kind: str = OrganizationKind.CELL) -> Node:
    return Node(name=name, kind=kind, issuer_code="CB")


def _named_tree() -> Node:
    trade = Node(
        TRADE_NAME,
        OrganizationKind.GRASSROOTS,
        "ĐU",
        "ĐU Sở Công Thương",
        children=[
            _cell(SECRETARY_CELL_NAME),
            _cell("Chi bộ Phòng Quản lý Thương mại"),
            _cell("Chi bộ Phòng Quản lý Công nghiệp"),
            _cell("Chi bộ Phòng Kế hoạch - Tài chính"),
            _cell(MERGED_CELL_NAME),
            Node(
                "Đảng bộ bộ phận Chi cục Quản lý thị trường",
                OrganizationKind.SUB_COMMITTEE,
                "ĐBBP",
                children=[_cell("Chi bộ Đội Quản lý thị trường số 1"), _cell("Chi bộ Đội Quản lý thị trường số 2")],
            ),
        ],
    )
    bloc_children = [
        trade,
        Node(
            "Đảng ủy Sở Tài chính",
            OrganizationKind.GRASSROOTS,
            "ĐU",
            "ĐU Sở Tài chính",
            children=[_cell(f"Chi bộ {unit} Sở Tài chính") for unit in UNITS[:3]],
        ),
        Node(
            "Đảng ủy Sở Giáo dục và Đào tạo",
            OrganizationKind.GRASSROOTS,
            "ĐU",
            "ĐU Sở GD&ĐT",
            children=[_cell(f"Chi bộ {unit} Sở Giáo dục và Đào tạo") for unit in UNITS[:3]],
        ),
        Node(
            "Đảng bộ Công ty Điện lực Thanh Hóa",
            OrganizationKind.GRASSROOTS,
            "ĐU",
            "ĐB Điện lực",
            children=[_cell(f"Chi bộ Điện lực khu vực {i}") for i in range(1, 4)],
        ),
        _cell("Chi bộ Ban Dân tộc tỉnh", OrganizationKind.GRASSROOTS_CELL),
    ]
    district = Node(
        "Huyện ủy Nông Cống",
        OrganizationKind.DISTRICT,
        "HU",
        children=[
            Node(
                f"Đảng ủy xã {commune}",
                OrganizationKind.GRASSROOTS,
                "ĐU",
                children=[_cell(f"Chi bộ thôn {i} xã {commune}") for i in range(1, 4)],
            )
            for commune in ("Trung Chính", "Tế Lợi")
        ],
    )
    bloc = Node(BLOC_NAME, OrganizationKind.UPPER_GRASSROOTS, "ĐUK", "Đảng ủy Khối CCQ&DN tỉnh", children=bloc_children)
    return Node(ROOT_NAME, OrganizationKind.PROVINCIAL, "TU", "Tỉnh ủy", children=[bloc, district])


def _cells(node: Node) -> list[Node]:
    if node.kind in (OrganizationKind.CELL, OrganizationKind.GRASSROOTS_CELL):
        return [node]
    return [cell for child in node.children for cell in _cells(child)]


def _grow(root: Node, members: int) -> None:
    """Add generated grassroots committees under the bloc until there is a cell per 20 people."""
    bloc = root.children[0]
    wanted = max(math.ceil(members / PEOPLE_PER_CELL), 1)
    missing = wanted - len(_cells(root))
    index = 0
    while missing > 0:
        agency = AGENCIES[index % len(AGENCIES)]
        suffix = f" (đơn vị {index // len(AGENCIES) + 1})" if index >= len(AGENCIES) else ""
        size = min(CELLS_OF_LARGE_COMMITTEE if index == 0 else CELLS_PER_GENERATED_COMMITTEE, missing)
        bloc.children.append(
            Node(
                f"Đảng ủy {agency}{suffix}",
                OrganizationKind.GRASSROOTS,
                "ĐU",
                children=[_cell(f"Chi bộ {UNITS[i % len(UNITS)]} {agency}{suffix}") for i in range(size)],
            )
        )
        missing -= size
        index += 1


def _assign_paths(node: Node, path: str) -> None:
    node.path = path
    step = "0000"
    for child in node.children:
        step = services.increment_step(step)
        _assign_paths(child, path + step)


def _flatten(node: Node) -> list[Node]:
    return [node] + [item for child in node.children for item in _flatten(child)]


def _insert_tree(root: Node) -> None:
    _assign_paths(root, "0001")
    nodes = _flatten(root)
    organizations = [
        Organization(
            path=node.path,
            depth=len(node.path) // Organization.steplen,
            numchild=len(node.children),
            name=normalize_text(node.name),
            short_name=node.short_name,
            kind=node.kind,
            issuer_code=node.issuer_code,
            place_name=PLACE,
            founded_on=FOUNDED,
            search_key=search_key(node.name),
        )
        for node in nodes
    ]
    created = Organization.objects.bulk_create(organizations, batch_size=2000)
    for node, organization in zip(nodes, created, strict=True):
        node.organization = organization


def _category(index: int) -> str:
    slot = index % 20
    if slot < 14:
        return PersonCategory.PARTY_FULL
    if slot == 14:
        return PersonCategory.PARTY_PROBATIONARY
    if slot in (15, 16):
        return PersonCategory.STAFF
    if slot == 17:
        return PersonCategory.YOUTH_UNION
    if slot == 18:
        return PersonCategory.ASSOCIATION
    return PersonCategory.OTHER if index % 40 == 19 else PersonCategory.STAFF


def _exemption(index: int, category: str) -> tuple[str, str]:
    if category != PersonCategory.PARTY_FULL:
        return "", ""
    if index % 53 == 7:
        return "retired", "Đảng viên đã nghỉ hưu, tuổi cao"
    if index % 97 == 11:
        return "exempt_activities", "Được chi bộ cho miễn sinh hoạt do sức khỏe"
    return "", ""


def _insert_people(cells: list[Node], members: int, rng: random.Random) -> None:
    base, extra = divmod(members, len(cells))
    people: list[Person] = []
    index = 0
    for position, cell in enumerate(cells):
        for _ in range(base + (1 if position < extra else 0)):
            name, gender = person_name(rng)
            category = _category(index)
            exemption, reason = _exemption(index, category)
            people.append(
                Person(
                    full_name=name,
                    search_key=search_key(name),
                    gender=gender,
                    birth_year=rng.randint(1962, 2000),
                    position=rng.choice(POSITIONS),
                    category=category,
                    organization=cell.organization,
                    joined_on=datetime.date(rng.randint(2012, 2020), rng.randint(1, 12), rng.randint(1, 28)),
                    exemption=exemption,
                    exemption_reason=reason,
                )
            )
            index += 1
    created = Person.objects.bulk_create(people, batch_size=5000)
    Membership.objects.bulk_create(
        [Membership(person=p, organization_id=p.organization_id, start_on=p.joined_on) for p in created],
        batch_size=5000,
    )


def province_exists() -> bool:
    return Organization.objects.filter(depth=1, name=ROOT_NAME).exists()


@transaction.atomic
def build_province(*, members: int, seed: int = 2023, when: Timeline | None = None) -> Organization:
    """Build the province, open the demo's three years, replay last year's merge and close the
    two past years. Not idempotent: check `province_exists()` first."""
    when = when or timeline()
    rng = random.Random(seed)
    root = _named_tree()
    _grow(root, members)
    _insert_tree(root)
    _insert_people(_cells(root), members, rng)
    for year in when.years:
        services.reporting_year_open(year=year)
    _replay_reorganization(when.merge_on)
    for year in when.closed_years:
        services.reporting_year_close(year=year)
    return root.organization


def _replay_reorganization(on: datetime.date) -> None:
    """In the middle of last year the e-commerce cell merged into the trade cell: the tree of
    the year before keeps it."""
    source = Organization.objects.get(name=MERGED_CELL_NAME)
    target = Organization.objects.get(name="Chi bộ Phòng Quản lý Thương mại")
    services.organization_merge(source=source, target=target, on=on)


def demo_organizations() -> dict[str, Organization]:
    names = {"root": ROOT_NAME, "bloc": BLOC_NAME, "trade": TRADE_NAME, "cell": SECRETARY_CELL_NAME}
    return {key: Organization.objects.get(name=name) for key, name in names.items()}


def years_present() -> list[int]:
    return list(ReportingYear.objects.values_list("year", flat=True))


def open_year() -> int | None:
    """The year the demo in the database has under way (the current year on the day it was
    built; a benchmark database may be older than today). None without an open year."""
    return ReportingYear.objects.filter(is_closed=False).order_by("-year").values_list("year", flat=True).first()
