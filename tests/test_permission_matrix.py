"""THE permission sweep: every URL of the project × every role × inside / outside its scope.

The rule (docs/permissions.md):
    anonymous                         → 302 to the login page (the REST API under /api/: 401/403)
    object outside the user's scope   → 404 (never reveal that it exists), nothing written
    inside, without the permission    → 403, nothing written
    inside, with the permission       → 200 or 302 (not to the login page)

The URL list is not written by hand: `url_names()` walks the resolver, and
`test_every_url_has_a_case` fails, naming it, for any URL without an entry in CASES. A new
view therefore cannot ship without saying who may call it.

HOW TO ADD A URL (pledges, reports, ... ) — one entry in CASES:

    "pledges:pledge_detail": Case(
        perm=Perm.VIEW,                                   # what the view asks the door for
        methods=("GET",),                                 # each method is swept separately
        target=lambda c, inside: {"pk": make_pledge(c.person).pk},
        data=None,                                        # POST body: callable(c, inside) -> dict
    ),

`target(c, inside)` returns the URL kwargs. `c` (a `Ctx`) gives the object under test:
`c.organization` and `c.person` are inside the tested user's scope when `inside` is true and
outside it otherwise (the sweep picks them per role, see ROLES and Matrix.place); `c.world` is the
named test world (tests/conftest.py), `c.user` the user, `c.year` the working year. A target may
create the records it needs (a pledge of `c.person`, a report of `c.organization`, ...).
Use `perm=None` for pages without an object (any signed-in user; the scope filters content)
and `personal=True` for URLs about the user's own things (role switch: inside = own,
outside = someone else's → 404).
Until an app's cases are written its URL names sit in NOT_YET_COVERED (a debt list: the test
also fails when a name there has a case or no longer exists, so the list only shrinks).
Add the URL's row to the table in docs/permissions.md too.
Admin (superuser only) and the auth views are tested at the end of this file.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from committees import services
from committees.models import OrganizationKind, Role, RoleAssignment
from committees.permissions import ROLE_PERMISSIONS, Perm
from tests.factories import PersonFactory, UserFactory, grant, make_organization

LOGIN_URL = "/dang-nhap/"
WORKING_YEAR = 2024
OK = (200, 302)
# The REST API answers an anonymous caller with 401/403 instead of sending it to the login page.
API_PREFIX = "api/"
API_ANONYMOUS = (401, 403)

# --- the URLs ---------------------------------------------------------------------------------

SKIPPED_NAMESPACES = {"admin"}  # superuser only: see test_admin_*
SKIPPED_NAMES = {"login", "logout", "password_change", "password_change_done", "home"}  # see test_auth_*


@dataclass(frozen=True)
class Route:
    name: str
    namespace: str | None
    route: str
    kwargs: tuple[str, ...]


def _walk(patterns, namespace: str | None = None, prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name is None:
                name = f"<unnamed {route}>"
            else:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name=name, namespace=namespace, route=route, kwargs=tuple(pattern.pattern.converters))


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def is_api(name: str) -> bool:
    return any(route.route.startswith(API_PREFIX) for route in all_routes() if route.name == name)


def url_names() -> set[str]:
    """Every URL of the project the sweep must cover."""
    return {
        route.name
        for route in all_routes()
        if (route.namespace or "").split(":")[0] not in SKIPPED_NAMESPACES and route.name not in SKIPPED_NAMES
    }


# --- who, and where -----------------------------------------------------------------------------

# What each role may do; kept here on purpose, so that a change to ROLE_PERMISSIONS must be
# made twice (and in docs/permissions.md) — see test_role_permissions_are_the_documented_ones.
EXPECTED_ROLE_PERMISSIONS = {
    Role.SECRETARY: {Perm.VIEW, Perm.ENTER, Perm.APPROVE},
    Role.CLERK: {Perm.VIEW, Perm.REPORT, Perm.NARRATIVE, Perm.HISTORY, Perm.REOPEN, Perm.IMPORT},
    Role.REVIEWER: {Perm.VIEW},
}
SUPERUSER_PERMISSIONS = set(Perm)
# A dissolved or merged organization is read-only: only these survive on it.
READ_ONLY_PERMISSIONS = {Perm.VIEW, Perm.HISTORY, Perm.REPORT}


@dataclass(frozen=True)
class Place:
    organization: object
    person: object
    dissolved: bool = False


@dataclass
class Matrix:
    """The world of tests/conftest.py plus what the sweep needs around it."""

    world: object
    district: object
    district_cell: object
    district_person: object
    dissolved_cell: object
    dissolved_person: object
    a_secretary: object

    def place(self, key: str) -> Place:
        w = self.world
        places = {
            "cell_a1": Place(w.cell_a1, w.people_a1[0]),
            "cell_a2 (sibling)": Place(w.cell_a2, w.people_a2[0]),
            "cell_b1": Place(w.cell_b1, w.people_b1[0]),
            "committee_a": Place(w.committee_a, w.people_a1[1]),
            "committee_a (above)": Place(w.committee_a, w.people_a2[1]),
            "committee_b": Place(w.committee_b, w.people_b1[1]),
            "bloc": Place(w.bloc, w.people_b1[2]),
            "bloc (above)": Place(w.bloc, w.people_b1[2]),
            "province (above)": Place(w.province, self.district_person),
            "district": Place(self.district, self.district_person),
            "district_cell": Place(self.district_cell, self.district_person),
            "dissolved cell in A": Place(self.dissolved_cell, self.dissolved_person, dissolved=True),
        }
        return places[key]

    def user(self, key: str):
        return self.a_secretary if key == "a_secretary" else getattr(self.world, key)


@dataclass(frozen=True)
class RoleSpec:
    user: str
    perms: frozenset[Perm]
    inside: tuple[str, ...]
    outside: tuple[str, ...]
    has_grants: bool = True


ROLES = [
    RoleSpec("a1_secretary", frozenset(EXPECTED_ROLE_PERMISSIONS[Role.SECRETARY]),
             inside=("cell_a1",),
             outside=("cell_a2 (sibling)", "cell_b1", "committee_a (above)", "district_cell")),
    RoleSpec("a_secretary", frozenset(EXPECTED_ROLE_PERMISSIONS[Role.SECRETARY]),
             inside=("committee_a", "cell_a1", "dissolved cell in A"),
             outside=("cell_b1", "bloc (above)")),
    RoleSpec("a_clerk", frozenset(EXPECTED_ROLE_PERMISSIONS[Role.CLERK]),
             inside=("committee_a", "cell_a1", "dissolved cell in A"),
             outside=("committee_b", "cell_b1", "bloc (above)", "district")),
    RoleSpec("bloc_clerk", frozenset(EXPECTED_ROLE_PERMISSIONS[Role.CLERK]),
             inside=("bloc", "cell_b1"),
             outside=("district", "province (above)")),
    RoleSpec("bloc_reviewer", frozenset(EXPECTED_ROLE_PERMISSIONS[Role.REVIEWER]),
             inside=("bloc", "cell_a1", "dissolved cell in A"),
             outside=("district_cell", "province (above)")),
    RoleSpec("outsider", frozenset(), inside=(), outside=("cell_a1", "bloc", "district_cell"), has_grants=False),
    RoleSpec("admin", frozenset(SUPERUSER_PERMISSIONS),
             inside=("cell_a1", "district_cell", "province (above)", "dissolved cell in A"), outside=(),
             has_grants=False),
]
ROLES_BY_USER = {role.user: role for role in ROLES}


@dataclass
class Ctx:
    """What a Case's target sees: the object under test, inside or outside the user's scope."""

    matrix: Matrix
    user: object
    place: Place | None
    year: int = WORKING_YEAR

    @property
    def world(self):
        return self.matrix.world

    @property
    def organization(self):
        return self.place.organization

    @property
    def person(self):
        return self.place.person

    def assignment(self, inside: bool) -> RoleAssignment:
        """The user's own role assignment, or someone else's."""
        if inside:
            return RoleAssignment.objects.filter(user=self.user).order_by("pk").first()
        return RoleAssignment.objects.filter(user=self.world.b1_secretary).get()


# --- the cases -----------------------------------------------------------------------------------


Kwargs = Callable[[Ctx, bool], dict]


def no_kwargs(c: Ctx, inside: bool) -> dict:
    return {}


def organization_pk(c: Ctx, inside: bool) -> dict:
    return {"pk": c.organization.pk}


def person_pk(c: Ctx, inside: bool) -> dict:
    return {"pk": c.person.pk}


def person_form(c: Ctx, inside: bool) -> dict:
    return {
        "full_name": "Người Kiểm Tra Quyền",
        "gender": "female",
        "birth_year": "1990",
        "position": "Chuyên viên",
        "category": "staff",
        "joined_on": "2024-01-02",
        "exemption": "",
        "exemption_reason": "",
    }


@dataclass(frozen=True)
class Case:
    perm: Perm | None  # None: any signed-in user, no object (the scope filters what is shown)
    methods: tuple[str, ...] = ("GET",)
    target: Kwargs = no_kwargs
    data: Kwargs | None = None
    personal: bool = False  # about the user's own things: inside = own, outside = someone else's


CASES: dict[str, Case] = {
    "committees:role_switch": Case(
        perm=None, methods=("POST",), personal=True,
        target=lambda c, inside: {"assignment_id": c.assignment(inside).pk},
    ),
    "committees:organization_list": Case(perm=None),
    "committees:organization_detail": Case(perm=Perm.VIEW, target=organization_pk),
    "committees:person_create": Case(
        perm=Perm.ENTER, methods=("GET", "POST"), target=organization_pk, data=person_form
    ),
    "committees:people_search": Case(perm=None, data=lambda c, inside: {"q": "tran"}),
    "committees:person_detail": Case(perm=Perm.VIEW, target=person_pk),
    "committees:person_update": Case(perm=Perm.ENTER, methods=("GET", "POST"), target=person_pk, data=person_form),
    # the REST API: its OpenAPI schema and documentation page are for signed-in users
    "api-schema": Case(perm=None),
    "api-docs": Case(perm=None),
}

# URLs whose owners have not written their cases yet. Each is a debt; do not add to it for a new
# view — add a Case instead.
NOT_YET_COVERED: set[str] = {
    # pledges
    "pledges:roster", "pledges:cell_evaluation", "pledges:collective_pledge", "pledges:pledge_entry",
    "pledges:item_row", "pledges:pledge_detail", "pledges:pledge_submit", "pledges:pledge_accept",
    "pledges:pledge_return", "pledges:pledge_self_assess", "pledges:pledge_evaluate", "pledges:pledge_pdf",
    "pledges:cell_pledges_pdf", "pledges:session_list", "pledges:session_create", "pledges:session_detail",
    "pledges:session_update", "pledges:exemplar_list", "pledges:exemplar_create", "pledges:exemplar_detail",
    "pledges:exemplar_update", "pledges:commendation_list", "pledges:commendation_create",
    "pledges:commendation_detail", "pledges:commendation_update", "pledges:plan_detail", "pledges:plan_close",
    "pledges:plan_reopen", "pledges:directive_list", "pledges:directive_create",
    # reports
    "reports:dashboard", "reports:dashboard_xlsx", "reports:report_page", "reports:report_open",
    "reports:batch_request", "reports:report_edit", "reports:render_request", "reports:report_finalize",
    "reports:render_status", "reports:render_download", "reports:batch_detail", "reports:batch_zip",
}


# --- the registry is complete --------------------------------------------------------------------


def test_every_url_has_a_case():
    missing = sorted(url_names() - set(CASES) - NOT_YET_COVERED)
    assert not missing, "URLs without a permission case in tests/test_permission_matrix.py CASES: " + ", ".join(missing)


def test_every_case_names_an_existing_url():
    stale = sorted((set(CASES) | NOT_YET_COVERED) - url_names())
    assert not stale, "CASES / NOT_YET_COVERED name URLs that no longer exist: " + ", ".join(stale)


def test_not_yet_covered_holds_no_covered_url():
    both = sorted(set(CASES) & NOT_YET_COVERED)
    assert not both, "These URLs have a case now: remove them from NOT_YET_COVERED: " + ", ".join(both)
    assert not any(name.startswith("committees:") for name in NOT_YET_COVERED)


def test_the_walk_finds_nested_namespaces_and_skips_only_what_is_tested_here():
    names = url_names()
    assert "committees:person_update" in names
    assert not any(name.startswith("admin:") for name in names)
    assert not SKIPPED_NAMES & names
    assert not any(name.startswith("<unnamed") for name in names), "every URL needs a name"
    assert {route.name for route in all_routes()} >= SKIPPED_NAMES | {"admin:index"}


def test_role_permissions_are_the_documented_ones():
    assert {role: set(perms) for role, perms in ROLE_PERMISSIONS.items()} == EXPECTED_ROLE_PERMISSIONS


# --- the world of the sweep ----------------------------------------------------------------------


@pytest.fixture
def matrix(world) -> Matrix:
    district = make_organization(world.province, name="Huyện ủy Nông Cống", kind=OrganizationKind.DISTRICT, issuer_code="HU")
    district_cell = make_organization(district, name="Chi bộ thôn Trung Chính")
    district_person = PersonFactory(organization=district_cell, full_name="Lê Văn Huyện")
    grant(UserFactory(username="district_secretary"), district_cell, Role.SECRETARY)

    dissolved_cell = make_organization(world.committee_a, name="Chi bộ Phòng đã giải thể")
    dissolved_person = PersonFactory(organization=dissolved_cell, full_name="Đào Thị Cũ", joined_on=datetime.date(2016, 1, 1))
    services.person_update(person=dissolved_person, left_on=datetime.date(2024, 1, 31))
    services.organization_dissolve(organization=dissolved_cell, on=datetime.date(2024, 2, 1))

    a_secretary = UserFactory(username="a_secretary")
    grant(a_secretary, world.committee_a, Role.SECRETARY)
    return Matrix(
        world=world, district=district, district_cell=district_cell, district_person=district_person,
        dissolved_cell=dissolved_cell, dissolved_person=dissolved_person, a_secretary=a_secretary,
    )


def fingerprint() -> dict:
    """Every row of the project's own apps: a refused request must not change any of them."""
    state = {}
    for label in ("committees", "pledges", "reports"):
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return state


def call(client, method: str, name: str, c: Ctx, inside: bool):
    case = CASES[name]
    url = reverse(name, kwargs=case.target(c, inside))
    data = case.data(c, inside) if case.data else {}
    if method == "GET":
        return client.get(url, data)
    return client.post(url, data)



# --- the sweep -----------------------------------------------------------------------------------


def sweep_params() -> Iterator:
    for name, case in CASES.items():
        for method in case.methods:
            for role in ROLES:
                if case.personal:
                    wheres = (["own"] if role.has_grants else []) + ["someone else's"]
                elif case.perm is None:
                    wheres = ["anywhere"]
                else:
                    wheres = [f"in:{p}" for p in role.inside] + [f"out:{p}" for p in role.outside]
                for where in wheres:
                    yield pytest.param(name, method, role.user, where, id=f"{name}|{method}|{role.user}|{where}")


def expected_status(case: Case, role: RoleSpec, where: str, place: Place | None) -> str:
    if case.personal:
        return "ok" if where == "own" else "404"
    if case.perm is None:
        return "ok"
    if where.startswith("out:"):
        return "404"
    perms = set(role.perms)
    if place.dissolved:
        perms &= READ_ONLY_PERMISSIONS
    return "ok" if case.perm in perms else "403"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "user_key", "where"), list(sweep_params()))
def test_sweep(client, matrix, name, method, user_key, where):
    case = CASES[name]
    role = ROLES_BY_USER[user_key]
    user = matrix.user(user_key)
    place = matrix.place(where.split(":", 1)[1]) if ":" in where else matrix.place("cell_a1")
    inside = where in ("own", "anywhere") or where.startswith("in:")
    c = Ctx(matrix=matrix, user=user, place=place)
    expected = expected_status(case, role, where, place if where.startswith(("in:", "out:")) else None)

    client.force_login(user)
    before = fingerprint()
    response = call(client, method, name, c, inside)

    if expected == "ok":
        assert response.status_code in OK, f"{name} {method} as {user_key} {where}: {response.status_code}"
        if response.status_code == 302:
            assert not response.url.startswith(LOGIN_URL)
    else:
        assert response.status_code == int(expected), (
            f"{name} {method} as {user_key} {where}: expected {expected}, got {response.status_code}"
        )
        assert fingerprint() == before, f"a refused {method} to {name} wrote to the database"


def anonymous_params() -> Iterator:
    for name, case in CASES.items():
        for method in case.methods:
            yield pytest.param(name, method, id=f"{name}|{method}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), list(anonymous_params()))
def test_sweep_anonymous_goes_to_login(client, matrix, name, method):
    c = Ctx(matrix=matrix, user=matrix.world.a1_secretary, place=matrix.place("cell_a1"))
    before = fingerprint()
    response = call(client, method, name, c, True)
    assert_sent_away(name, response)
    assert fingerprint() == before


def assert_sent_away(name: str, response) -> None:
    """Anonymous: pages redirect to the login page, the API refuses."""
    if is_api(name):
        assert response.status_code in API_ANONYMOUS, f"{name} answered {response.status_code} to anonymous"
        return
    assert response.status_code == 302, f"{name} answered {response.status_code} to an anonymous request"
    assert response.url.startswith(LOGIN_URL + "?next=")


def generic_kwargs(route: Route) -> dict:
    return {key: WORKING_YEAR if key == "year" else 1 for key in route.kwargs}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [pytest.param(route, id=route.name) for route in all_routes() if route.name in url_names()],
)
def test_every_url_sends_anonymous_to_login(client, route):
    """Even URLs without a case yet: nothing is served to someone who has not signed in."""
    response = client.get(reverse(route.name, kwargs=generic_kwargs(route)))
    assert_sent_away(route.name, response)


# --- admin and auth views (skipped by the sweep) -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("user_key", [None, "a1_secretary", "bloc_clerk", "outsider"])
def test_admin_is_for_staff_only(client, world, user_key):
    if user_key:
        client.force_login(getattr(world, user_key))
    for path in ("/quan-tri/", "/quan-tri/committees/organization/", "/quan-tri/committees/person/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/quan-tri/login/"), path


@pytest.mark.django_db
def test_admin_opens_for_the_superuser(client, world):
    client.force_login(world.admin)
    assert client.get("/quan-tri/").status_code == 200


@pytest.mark.django_db
def test_auth_login_page(client, world):
    assert client.get(reverse("login")).status_code == 200
    client.force_login(world.a1_secretary)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_auth_logout_needs_post_and_signs_out(client, world):
    client.force_login(world.a1_secretary)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["password_change", "password_change_done", "home"])
def test_auth_pages_need_login(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL + "?next=")


@pytest.mark.django_db
def test_auth_password_change(client, world):
    client.force_login(world.a1_secretary)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": "matkhau-thu-nghiem", "new_password1": "Lam-theo-Bac-2024!", "new_password2": "Lam-theo-Bac-2024!"},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert client.get(response.url).status_code == 200
    user = get_user_model().objects.get(pk=world.a1_secretary.pk)
    assert user.check_password("Lam-theo-Bac-2024!")
