"""THE permission sweep: every URL of the project × every role × inside / outside its scope.

The rule (docs/permissions.md):
    anonymous                         → 302 to the login page (the REST API under /api/: 401/403)
    object outside the user's scope   → 404 (never reveal that it exists), nothing written
    inside, without the permission    → 403, nothing written
    inside, with the permission       → 200 or 302 (not to the login page)

The URL list is not written by hand: `url_names()` walks the resolver, and
`test_every_url_has_a_case` fails, naming it, for any URL without an entry in CASES. A new
view therefore cannot ship without saying who may call it.

HOW TO ADD A URL (pledges, reports, ... ) — one entry in the CASES of its area, in
tests/permission_cases/<area>.py (committees, records, reports):

    "pledges:pledge_detail": Case(
        perm=Perm.VIEW,                                   # what the view asks the door for
        methods=("GET",),                                 # each method is swept separately
        target=lambda c, inside: {"pk": make_pledge(c.person).pk},
        data=None,                                        # query string / POST body: callable(c, inside) -> dict
    ),

`target(c, inside)` returns the URL kwargs. `c` (a `Ctx`) gives the object under test:
`c.organization` and `c.person` are inside the tested user's scope when `inside` is true and
outside it otherwise (the sweep picks them per role, see ROLES and Matrix.place); `c.world` is the
named test world (tests/conftest.py), `c.user` the user, `c.year` the working year (2024),
`c.member()` a person of `c.organization` itself. A target may create the records it needs (a
pledge of `c.person`, a report of `c.organization`, ...); `data` may read what the target
returned in `c.kwargs`. Both run before the sweep's snapshot of the database.
Use `perm=None` for pages without an object (any signed-in user; the scope filters content),
`personal=True` for URLs about the user's own things (role switch: inside = own, outside =
someone else's → 404), `post_perm=` when a POST needs more than a GET (read the page with `view`,
save it with `enter`), and `writes=True` when a permitted POST with `data` writes: the sweep then
checks that it did, so that "a refused POST wrote nothing" is never true only because the body
was invalid, and `logs_download=True` when a permitted GET hands out personal data (a file):
the sweep checks it left exactly one entry in the download log. A GET never writes data
(checked for every case); the download log is the one exception, see `fingerprint`.
There is no list of URLs still to cover: every URL has a case. The REST API's have theirs in
tests/permission_cases/api.py, one per URL name and HTTP method, swept by
tests/test_permission_matrix_api.py with the roles and the world of this file.
Add the URL's row to the table in docs/permissions.md too.
The sweeps share one world, each in a savepoint rolled back after it (see `shared_matrix`).
Admin (superuser only) and the auth views are tested at the end of this file.
"""

import copy
import datetime
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from committees import services
from committees.models import DownloadLog, OrganizationKind, Role
from committees.permissions import ROLE_PERMISSIONS, Perm, scope_for
from reports.models import DERIVED_MODELS
from tests.conftest import TODAY, build_world
from tests.factories import PersonFactory, UserFactory, grant, make_organization
from tests.permission_cases import AREAS
from tests.permission_cases.api import CASES as API_CASES
from tests.permission_cases.api import URL_NAMES as API_URL_NAMES
from tests.permission_cases.base import WORKING_YEAR, Case, Ctx

LOGIN_URL = "/dang-nhap/"
OK = (200, 302)
# The REST API answers an anonymous caller with 401/403 instead of sending it to the login page.
API_PREFIX = "api/"
API_ANONYMOUS = (401, 403)

# --- the URLs ---------------------------------------------------------------------------------

SKIPPED_NAMESPACES = {"admin"}  # superuser only: see test_admin_*
SKIPPED_NAMES = {"login", "logout", "password_change", "password_change_done", "home"}  # see test_auth_*
SKIPPED_NAMES |= {"health"}  # public on purpose: see tests/test_health.py
# Password reset by e-mail: open to anyone on purpose, see tests/committees/test_accounts_pages.py.
SKIPPED_NAMES |= {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}


@dataclass(frozen=True)
class Route:
    name: str
    namespace: str | None
    route: str
    kwargs: tuple[str, ...]
    view: Callable = field(compare=False, repr=False)  # the callback: the API sweep asks it what it serves


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
            yield Route(name=name, namespace=namespace, route=route, kwargs=_kwargs_of(pattern), view=pattern.callback)


def _kwargs_of(pattern: URLPattern) -> tuple[str, ...]:
    if isinstance(pattern.pattern, RoutePattern):
        return tuple(pattern.pattern.converters)
    return tuple(pattern.pattern.regex.groupindex)  # a regex route (the REST API router)


def all_routes() -> list[Route]:
    return list(_routes())


@functools.cache
def _routes() -> tuple[Route, ...]:
    # Walked once: the sweeps ask for the routes again for every URL name they parametrize.
    return tuple(_walk(get_resolver().url_patterns))


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
    Role.SECRETARY: {Perm.VIEW, Perm.ENTER, Perm.APPROVE, Perm.PLAN},
    Role.CLERK: {
        Perm.VIEW,
        Perm.REPORT,
        Perm.NARRATIVE,
        Perm.HISTORY,
        Perm.REOPEN,
        Perm.IMPORT,
        Perm.AUDIT,
        Perm.PLAN,
        Perm.ORGANIZE,
        Perm.ACCOUNTS,
    },
    Role.REVIEWER: {Perm.VIEW},
}
SUPERUSER_PERMISSIONS = set(Perm)
# A dissolved or merged organization is read-only: only these survive on it.
READ_ONLY_PERMISSIONS = {Perm.VIEW, Perm.HISTORY, Perm.REPORT, Perm.AUDIT}


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
    pristine: dict | None = None  # fingerprint() of the freshly built world (see TestSweep)

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
    view_only: tuple[str, ...] = ()  # inside places reached only through a reviewer's grant

    def perms_at(self, where: str) -> frozenset[Perm]:
        """The permissions at a place of `inside` ("in:<place>")."""
        return frozenset({Perm.VIEW}) if where.split(":", 1)[-1] in self.view_only else self.perms


ROLES = [
    RoleSpec(
        "a1_secretary",
        frozenset(EXPECTED_ROLE_PERMISSIONS[Role.SECRETARY]),
        inside=("cell_a1",),
        outside=("cell_a2 (sibling)", "cell_b1", "committee_a (above)", "district_cell"),
    ),
    RoleSpec(
        "a_secretary",
        frozenset(EXPECTED_ROLE_PERMISSIONS[Role.SECRETARY]),
        inside=("committee_a", "cell_a1", "dissolved cell in A"),
        outside=("cell_b1", "bloc (above)"),
    ),
    RoleSpec(
        "a_clerk",
        frozenset(EXPECTED_ROLE_PERMISSIONS[Role.CLERK]),
        inside=("committee_a", "cell_a1", "dissolved cell in A"),
        outside=("committee_b", "cell_b1", "bloc (above)", "district"),
    ),
    RoleSpec(
        "bloc_clerk",
        frozenset(EXPECTED_ROLE_PERMISSIONS[Role.CLERK]),
        inside=("bloc", "cell_b1"),
        outside=("district", "province (above)"),
    ),
    RoleSpec(
        "bloc_reviewer",
        frozenset(EXPECTED_ROLE_PERMISSIONS[Role.REVIEWER]),
        inside=("bloc", "cell_a1", "dissolved cell in A"),
        outside=("district_cell", "province (above)"),
    ),
    RoleSpec("outsider", frozenset(), inside=(), outside=("cell_a1", "bloc", "district_cell"), has_grants=False),
    RoleSpec(
        "admin",
        frozenset(SUPERUSER_PERMISSIONS),
        inside=("cell_a1", "district_cell", "province (above)", "dissolved cell in A"),
        outside=(),
        has_grants=False,
    ),
]
ROLES_BY_USER = {role.user: role for role in ROLES}


# --- the cases -----------------------------------------------------------------------------------
# One module per area in tests/permission_cases/ (committees, records, reports); see its base.py.

# The pages of the REST API: its OpenAPI schema and documentation page are for signed-in users.
# The API's schema and documentation page: any signed-in user; signed out, the login page (a
# program sending credentials gets the API's own answers: tests/api/test_schema.py).
API_PAGE_CASES: dict[str, Case] = {
    "api-schema": Case(perm=None),
    "api-docs": Case(perm=None),
}

CASES: dict[str, Case] = {name: case for cases in [*AREAS.values(), API_PAGE_CASES] for name, case in cases.items()}

# The REST API under /api/v1/ (config/api_urls.py) has its cases in tests/permission_cases/api.py,
# one per URL name and HTTP method, swept by tests/test_permission_matrix_api.py.
# The API's own sign-in takes a username and password from anyone (POST only).
API_OPEN_TO_ANONYMOUS = {name for (name, _method), case in API_CASES.items() if case.anonymous}


def is_api_name(name: str) -> bool:
    """An API URL: named api-… (the router's names are not namespaced) or routed under /api/."""
    return name.startswith("api") or is_api(name)


# --- the registry is complete --------------------------------------------------------------------


def test_every_url_has_a_case():
    missing = sorted(url_names() - set(CASES) - API_URL_NAMES)
    assert not missing, "URLs without a permission case in tests/permission_cases/: " + ", ".join(missing)


def test_every_case_names_an_existing_url():
    stale = sorted((set(CASES) | API_URL_NAMES) - url_names())
    assert not stale, "Permission cases name URLs that no longer exist: " + ", ".join(stale)


def test_api_cases_are_for_api_urls_only():
    not_api = sorted(name for name in API_URL_NAMES if not is_api_name(name))
    assert not not_api, "Only REST API URLs have their cases in permission_cases/api.py: " + ", ".join(not_api)
    both = sorted(set(CASES) & API_URL_NAMES)
    assert not both, "These URLs have a page case and an API case: " + ", ".join(both)
    assert is_api_name("api-organization-detail") and not is_api_name("pledges:pledge_detail")


def test_each_url_has_its_case_in_one_area_only():
    seen: dict[str, str] = {}
    for area, cases in [*AREAS.items(), ("api pages", API_PAGE_CASES)]:
        for name in cases:
            assert name not in seen, f"{name} has a case in {seen[name]} and in {area}"
            seen[name] = area
    for area in ("committees", "years", "tree", "accounts"):
        assert all(name.startswith("committees:") for name in AREAS[area]), area
    assert all(name.startswith("pledges:") for name in AREAS["records"])
    assert all(name.startswith("reports:") for name in AREAS["reports"])
    assert all(name.startswith("transfers:") for name in AREAS["transfers"])


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


def build_matrix(world) -> Matrix:
    district = make_organization(
        world.province, name="Huyện ủy Nông Cống", kind=OrganizationKind.DISTRICT, issuer_code="HU"
    )
    district_cell = make_organization(district, name="Chi bộ thôn Trung Chính")
    district_person = PersonFactory(organization=district_cell, full_name="Lê Văn Huyện")
    grant(UserFactory(username="district_secretary"), district_cell, Role.SECRETARY)

    dissolved_cell = make_organization(world.committee_a, name="Chi bộ Phòng đã giải thể")
    dissolved_person = PersonFactory(
        organization=dissolved_cell, full_name="Đào Thị Cũ", joined_on=datetime.date(2016, 1, 1)
    )
    services.person_update(person=dissolved_person, left_on=datetime.date(2024, 1, 31))
    services.organization_dissolve(organization=dissolved_cell, on=datetime.date(2024, 2, 1))

    a_secretary = UserFactory(username="a_secretary")
    grant(a_secretary, world.committee_a, Role.SECRETARY)
    return Matrix(
        world=world,
        district=district,
        district_cell=district_cell,
        district_person=district_person,
        dissolved_cell=dissolved_cell,
        dissolved_person=dissolved_person,
        a_secretary=a_secretary,
    )


@pytest.fixture(scope="class")
def shared_matrix(django_db_setup, django_db_blocker) -> Iterator[Matrix]:
    """The world and the sweep's additions, built once for all the tests of a class.

    As Django's TestCase.setUpTestData does: the rows live in a transaction of the class, rolled
    back after its last test; each test runs in a savepoint rolled back after it (pytest-django's
    `db`), so every test starts from the same rows, and gets its own deep copy of the objects
    (the `matrix` fixture). Building the world for each of the ~2,300 sweeps would take 3/4 of
    the time.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(TODAY, tick=False):
            built = build_matrix(build_world())
        built.pristine = fingerprint()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def matrix(shared_matrix, db) -> Matrix:
    return copy.deepcopy(shared_matrix, memo={id(shared_matrix.pristine): shared_matrix.pristine})


# The download log (committees.audit) records that a permitted request READ personal data: a
# download GET adds an entry to it. That entry is the trace of a read, not a change of any data,
# so "a GET never writes" is checked on every other table, and the log is checked on its own
# terms (`log_entries`): a refused request adds no entry; a permitted GET adds one, by the user
# who asked, about an organization in their scope, only when its case says it hands out a file.
READ_TRACES = {DownloadLog}


def fingerprint() -> dict:
    """Every row of the project's own apps, their many-to-many tables included, but the read
    traces and derived counts: a refused request must not change any of them, and neither may a
    GET. The tally store holds counts derived from the records, which any reader of figures may
    bring up to date (reports/tallies.py); the records themselves are here. Read with plain SQL,
    as the ORM's cost per query made these two snapshots per request most of the sweeps' time."""
    quote = connection.ops.quote_name
    state = {}
    with connection.cursor() as cursor:
        for label in ("committees", "pledges", "reports"):
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                if model in READ_TRACES or model in DERIVED_MODELS:
                    continue
                cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}")
                state[model._meta.label] = cursor.fetchall()
    return state


def log_entries() -> list[DownloadLog]:
    return list(DownloadLog.objects.select_related("organization").order_by("pk"))


def assert_download_logged(what: str, user, before: list[DownloadLog], case: Case, status_code: int) -> None:
    """A permitted request: one entry, the user's, in their scope, for a file it handed out; else none."""
    added = [entry for entry in log_entries() if entry not in before]
    if not (case.logs_download and status_code == 200):
        assert not added, f"{what}: wrote {len(added)} download log entries"
        return
    assert len(added) == 1, f"{what}: {len(added)} download log entries instead of one"
    entry = added[0]
    assert entry.user_id == user.pk, what
    assert scope_for(user).covers(entry.organization.path), f"{what}: logged about an organization out of scope"


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    data: dict


def prepare(method: str, name: str, c: Ctx, inside: bool) -> Request:
    """Build the request: the case's target and data make their records now, before the snapshot."""
    case = CASES[name]
    c.kwargs = case.target(c, inside)
    data = case.data(c, inside) if case.data else {}
    return Request(method=method, url=reverse(name, kwargs=c.kwargs), data=data)


def send(client, request: Request):
    if request.method == "GET":
        return client.get(request.url, request.data)
    return client.post(request.url, request.data)


# --- the sweep -----------------------------------------------------------------------------------


def sweep_params() -> Iterator:
    for name, case in CASES.items():
        for method in case.methods:
            for role in ROLES:
                if case.personal:
                    wheres = (["own"] if role.has_grants else []) + ["someone else's"]
                elif case.perm_for(method) is None:
                    wheres = ["anywhere"]
                else:
                    wheres = [f"in:{p}" for p in role.inside] + [f"out:{p}" for p in role.outside]
                for where in wheres:
                    yield pytest.param(name, method, role.user, where, id=f"{name}|{method}|{role.user}|{where}")


def expected_status(case: Case, method: str, role: RoleSpec, where: str, place: Place | None) -> str:
    perm = case.perm_for(method)
    if case.personal:
        return "ok" if where == "own" else "404"
    if perm is None:
        return "ok"
    if where.startswith("out:"):
        return "404"
    perms = set(role.perms_at(where))
    if place.dissolved:
        perms &= READ_ONLY_PERMISSIONS
    return "ok" if perm in perms else "403"


def anonymous_params() -> Iterator:
    for name, case in CASES.items():
        for method in case.methods:
            yield pytest.param(name, method, id=f"{name}|{method}")


@pytest.mark.django_db
class TestSweep:
    """Every case × role × place, and every case as anonymous (one shared world: see shared_matrix)."""

    def test_isolation_1_a_test_writes(self, matrix):
        assert fingerprint() == matrix.pristine
        PersonFactory(organization=matrix.world.cell_a1, full_name="Người Của Một Phép Thử")
        matrix.world.cell_a1.name = "Đã đổi trong bộ nhớ"

    def test_isolation_2_the_next_one_sees_nothing_of_it(self, matrix):
        """Run after test_isolation_1 (file order): its row was rolled back, its object change not shared."""
        assert fingerprint() == matrix.pristine
        assert matrix.world.cell_a1.name == "Chi bộ Văn phòng Sở"

    @pytest.mark.parametrize(("name", "method", "user_key", "where"), list(sweep_params()))
    def test_sweep(self, client, matrix, name, method, user_key, where):
        case = CASES[name]
        role = ROLES_BY_USER[user_key]
        user = matrix.user(user_key)
        place = matrix.place(where.split(":", 1)[1]) if ":" in where else matrix.place("cell_a1")
        inside = where in ("own", "anywhere") or where.startswith("in:")
        c = Ctx(matrix=matrix, user=user, place=place)
        expected = expected_status(case, method, role, where, place if where.startswith(("in:", "out:")) else None)
        request = prepare(method, name, c, inside)

        client.force_login(user)
        before, log_before = fingerprint(), log_entries()
        response = send(client, request)
        what = f"{name} {method} as {user_key} {where}"

        if expected == "ok":
            assert response.status_code in OK, f"{what}: {response.status_code}"
            if response.status_code == 302:
                assert not response.url.startswith(LOGIN_URL)
            if method == "GET":
                assert fingerprint() == before, f"{what}: a GET wrote to the database"
            elif case.writes:
                assert fingerprint() != before, f"{what}: the permitted POST wrote nothing (is the case's data valid?)"
            assert_download_logged(what, user, log_before, case, response.status_code)
        else:
            assert response.status_code == int(expected), f"{what}: expected {expected}, got {response.status_code}"
            assert fingerprint() == before, f"a refused {method} to {name} wrote to the database"
            assert log_entries() == log_before, f"a refused {method} to {name} wrote to the download log"

    @pytest.mark.parametrize(("name", "method"), list(anonymous_params()))
    def test_sweep_anonymous_goes_to_login(self, client, matrix, name, method):
        c = Ctx(matrix=matrix, user=matrix.world.a1_secretary, place=matrix.place("cell_a1"))
        request = prepare(method, name, c, True)
        before, log_before = fingerprint(), log_entries()
        response = send(client, request)
        assert_sent_away(name, response)
        assert fingerprint() == before
        assert log_entries() == log_before


def assert_sent_away(name: str, response) -> None:
    """Anonymous: pages redirect to the login page, the API refuses. The API's schema and its
    documentation page are pages (API_PAGE_CASES): they lead to the login page too."""
    if is_api(name) and name not in API_PAGE_CASES:
        assert response.status_code in API_ANONYMOUS, f"{name} answered {response.status_code} to anonymous"
        return
    assert response.status_code == 302, f"{name} answered {response.status_code} to an anonymous request"
    assert response.url.startswith(LOGIN_URL + "?next=")


def generic_kwargs(route: Route) -> dict:
    values = {"year": WORKING_YEAR, "format": "json", "kind": "ca-nhan"}
    return {key: values.get(key, 1) for key in route.kwargs}


def routes_once() -> list[Route]:
    """One route per URL name (the API router adds a ".json" twin of each of its routes)."""
    first: dict[str, Route] = {}
    for route in all_routes():
        if route.name in url_names() and route.name not in API_OPEN_TO_ANONYMOUS:
            first.setdefault(route.name, route)
    return list(first.values())


@pytest.mark.django_db
@pytest.mark.parametrize("route", [pytest.param(route, id=route.name) for route in routes_once()])
def test_every_url_sends_anonymous_to_login(client, route):
    """Every URL, the REST API's included: nothing is served to someone who has not signed in."""
    response = client.get(reverse(route.name, kwargs=generic_kwargs(route)))
    assert_sent_away(route.name, response)


@pytest.mark.django_db
def test_the_api_sign_in_is_the_only_url_open_to_anonymous(client):
    """obtain_auth_token: a token for a correct username and password, nothing else."""
    url = reverse("api-token")
    assert client.get(url).status_code == 405
    assert client.post(url, {"username": "nobody", "password": "x"}).status_code == 400


# --- the import template: both kinds ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["ca-nhan", "ke-hoach"])
def test_import_template_kinds(client, world, kind):
    """The sweep asks for the people template; the pledges template has the same door."""

    def get(user, organization, kind=kind):
        client.force_login(user)
        return client.get(reverse("transfers:import_template", kwargs={"pk": organization.pk, "kind": kind}))

    assert get(world.a_clerk, world.cell_a1).status_code == 200
    assert get(world.a_clerk, world.cell_b1).status_code == 404
    assert get(world.a1_secretary, world.cell_a1).status_code == 403
    assert get(world.bloc_reviewer, world.cell_a1).status_code == 403
    assert get(world.a_clerk, world.cell_a1, "khac").status_code == 404


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
        {
            "old_password": "matkhau-thu-nghiem",
            "new_password1": "Lam-theo-Bac-2024!",
            "new_password2": "Lam-theo-Bac-2024!",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert client.get(response.url).status_code == 200
    user = get_user_model().objects.get(pk=world.a1_secretary.pk)
    assert user.check_password("Lam-theo-Bac-2024!")
