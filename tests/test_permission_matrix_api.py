"""The permission sweep of the REST API: every endpoint × method × role × inside / outside its scope.

The rule (docs/permissions.md, "REST API"):
    anonymous                                  → 401/403 (only the token endpoint is open)
    a write by a role that holds its permission nowhere
                                               → 403, before the record is looked up, nothing written
    a record outside the user's scope          → 404 (a create naming an owner outside the scope:
                                                 400 "not found", as for an id that does not exist),
                                                 nothing written
    inside, without the permission             → 403, nothing written
    inside, with the permission                → 2xx; a write did write
    a list                                     → only rows of the scope; filtered on an organization
                                                 outside it: 404

The endpoints are not listed by hand: `api_endpoints()` walks the URL resolver and asks each API
view what it serves (a router's viewset: its method → action map; a plain API view: its handlers),
and `test_every_api_endpoint_has_a_case` fails, naming it, for a (URL name, method) without a case
in tests/permission_cases/api.py (its header says how to add one). HEAD and OPTIONS are checked
on every route by `test_head_and_options_reveal_nothing`, and every method the walk did not find
must be refused with 405, so the walk cannot miss one that is served.

Roles, places and the shared world (one build, a savepoint per test) are the page sweep's:
tests/test_permission_matrix.py.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse

from committees.models import Role, RoleAssignment
from tests import test_permission_matrix as pages
from tests.factories import UserFactory, api_token, grant
from tests.permission_cases.api import CASES, ApiCase
from tests.permission_cases.base import Ctx
from tests.test_permission_matrix import (
    API_ANONYMOUS,
    API_PREFIX,
    EXPECTED_ROLE_PERMISSIONS,
    READ_ONLY_PERMISSIONS,
    ROLES,
    Place,
    RoleSpec,
    Route,
    all_routes,
    fingerprint,
)

# The page sweep's world, built once for the class (see shared_matrix there).
shared_matrix = pages.shared_matrix
matrix = pages.matrix

SUCCESS = (200, 201, 202)
SWEPT_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Not swept one by one: HEAD answers as GET does, OPTIONS describes the endpoint (both are
# checked by test_head_and_options_reveal_nothing); no API view serves TRACE.
NOT_SWEPT = {"head", "options", "trace"}
MISSING_PK = 9_876_543_210  # no row has it: what an unknown record gets is what an out-of-scope one must get


# The page sweep's roles, and one more: an API write is checked twice (the permission held
# somewhere, then on the record's organization), so a user who enters records in one chi bộ and
# only reads another must still be refused in the other.
MIXED = RoleSpec(
    "a1_secretary_b_reviewer",
    frozenset(EXPECTED_ROLE_PERMISSIONS[Role.SECRETARY]),
    inside=("cell_a1", "committee_b", "cell_b1"),
    view_only=("committee_b", "cell_b1"),
    outside=("cell_a2 (sibling)", "committee_a (above)", "district"),
)
API_ROLES = [*ROLES, MIXED]
ROLES_BY_USER = {role.user: role for role in API_ROLES}


def user_of(matrix, key: str):
    """The user of a role; the API's own role is granted in the test's savepoint."""
    if key != MIXED.user:
        return matrix.user(key)
    user = UserFactory(username=key)
    grant(user, matrix.world.cell_a1, Role.SECRETARY)
    grant(user, matrix.world.committee_b, Role.REVIEWER)
    return user


# --- the endpoints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    action: str | None  # the viewset's action ("list", "create", "accept", ...); None for a plain API view
    collection: bool = False  # routed on the collection, not on one record (no pk in the URL)

    @property
    def creates(self) -> bool:
        """A create, or a viewset's own action that POSTs a new record to the collection."""
        return self.action == "create" or (self.method == "POST" and self.collection and self.action is not None)


def api_routes() -> dict[str, Route]:
    """One route per API URL name (the router adds a ".json" twin of each of its routes); the
    schema and its documentation page are pages, swept with the others."""
    routes: dict[str, Route] = {}
    for route in all_routes():
        if route.route.startswith(API_PREFIX) and route.name not in pages.CASES:
            routes.setdefault(route.name, route)
    return routes


def served(route: Route) -> dict[str, str | None]:
    """The methods the route's view answers (HEAD and OPTIONS apart), each with its action."""
    view_class = getattr(route.view, "cls", None) or getattr(route.view, "view_class", None)
    assert view_class is not None, f"{route.name}: not a class-based view, the sweep cannot tell what it serves"
    allowed = [method for method in view_class.http_method_names if method not in NOT_SWEPT]
    actions = getattr(route.view, "actions", None)
    if actions is not None:  # a router's route of a viewset: the methods bound to an action
        return {method.upper(): action for method, action in actions.items() if method in allowed}
    return {method.upper(): None for method in allowed if hasattr(view_class, method)}


def api_endpoints() -> dict[tuple[str, str], Endpoint]:
    return {
        (name, method): Endpoint(name, method, action, collection="pk>" not in route.route)
        for name, route in api_routes().items()
        for method, action in served(route).items()
    }


# --- the registry is complete --------------------------------------------------------------------


def test_every_api_endpoint_has_a_case():
    missing = sorted(f"{name} {method}" for name, method in set(api_endpoints()) - set(CASES))
    assert not missing, "API endpoints without a case in tests/permission_cases/api.py: " + ", ".join(missing)


def test_every_api_case_names_a_served_endpoint():
    stale = sorted(f"{name} {method}" for name, method in set(CASES) - set(api_endpoints()))
    assert not stale, "API cases for endpoints that are not served: " + ", ".join(stale)


def test_api_cases_fit_their_actions():
    """A list is swept as a list, a create as a create: a new one cannot pass as a plain read."""
    for key, endpoint in api_endpoints().items():
        case = CASES.get(key)
        if case is None:
            continue  # reported by test_every_api_endpoint_has_a_case
        label = f"{endpoint.name} {endpoint.method}"
        assert (case.listed is not None) == (endpoint.action == "list"), f"{label}: a list needs `listed`, only a list"
        assert (case.owner is not None) == endpoint.creates, f"{label}: a create needs `owner`, only a create"
        assert case.perm is not None or case.anonymous or endpoint.action is None, f"{label}: a resource needs `perm`"


def test_the_walk_finds_every_method_and_action():
    endpoints = api_endpoints()
    assert endpoints[("api-person-detail", "PATCH")].action == "partial_update"
    assert endpoints[("api-pledge-return", "POST")].action == "return_"
    assert (
        endpoints[("api-report-renders", "GET")].action == endpoints[("api-report-renders", "POST")].action == "renders"
    )
    assert ("api-statistics", "GET") in endpoints and ("api-token", "POST") in endpoints
    # refused by the views: no DELETE anywhere, no PATCH where http_method_names leaves it out
    assert ("api-person-detail", "DELETE") not in endpoints
    assert ("api-pledge-detail", "PATCH") not in endpoints
    assert ("api-statistics", "POST") not in endpoints and ("api-token", "GET") not in endpoints
    assert "api-schema" not in {name for name, _method in endpoints}


# --- the expected answers ------------------------------------------------------------------------


def expected_status(case: ApiCase, method: str, role: RoleSpec, where: str, place: Place) -> str:
    if case.perm is None:
        return "ok"
    if method != "GET" and case.perm not in role.perms:
        # Refused before the record is looked up (ActionPermission, committees/api/common.py): the
        # same 403 inside and outside the scope, for a record that exists or not.
        return "403"
    if where.startswith("out:"):
        return "400" if case.owner else "404"
    perms = set(role.perms_at(where))
    if place.dissolved:
        perms &= READ_ONLY_PERMISSIONS
    return "ok" if case.perm in perms else "403"


def outside_scope(user, model, ids: set[int], via: str | None) -> list[int]:
    """Which of these rows are not under one of the user's grants on a live organization: the
    sweep's own reading of the rule, not committees/permissions.py's."""
    if user.is_superuser:
        return []
    field = "path" if via is None else f"{via}__path"
    rows = model.objects.filter(pk__in=ids)
    grants = RoleAssignment.objects.filter(user=user, organization__dissolved_on__isnull=True)
    for path in grants.values_list("organization__path", flat=True):
        rows = rows.exclude(**{f"{field}__startswith": path})
    return sorted(rows.values_list("pk", flat=True))


# --- requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    data: dict | None


def prepare(name: str, method: str, c: Ctx, inside: bool) -> Request:
    """Build the request: the case's target and data make their records now, before the snapshot."""
    case = CASES[(name, method)]
    c.kwargs = case.target(c, inside)
    return Request(method=method, url=reverse(name, kwargs=c.kwargs), data=case.data(c, inside) if case.data else None)


def sign_in(client, user) -> None:
    """Send the user's API token with every request of the client, as an API client does."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token(user)}"


def send(client, request: Request):
    if request.method == "GET":
        return client.get(request.url, request.data)
    return client.generic(request.method, request.url, json.dumps(request.data or {}), content_type="application/json")


def listed_ids(client, url: str, query: dict, what: str) -> set[int]:
    """The ids of every page of a list."""
    ids: set[int] = set()
    response = client.get(url, query)
    while True:
        assert response.status_code == 200, f"{what}: {response.status_code} {response.content[:300]!r}"
        body = response.json()
        ids |= {row["id"] for row in body["results"]}
        if not body["next"]:
            return ids
        response = client.get(body["next"])


def check_list(client, name: str, case: ApiCase, c: Ctx, inside: bool, what: str) -> None:
    record = case.listed(c)
    url = reverse(name)
    before = fingerprint()

    everything = listed_ids(client, url, {}, what)
    assert (record.pk in everything) == inside, (
        f"{what}: the record of the place is {'missing' if inside else 'listed'}"
    )
    leaked = outside_scope(c.user, type(record), everything, case.via)
    assert not leaked, f"{what}: rows outside the user's scope are listed: {leaked}"

    query = {"organization": c.organization.pk, "year": c.year}
    if inside:
        filtered = listed_ids(client, url, query, f"{what} (filtered)")
        assert record.pk in filtered, f"{what}: the record is missing from the list filtered on its organization"
        assert not outside_scope(c.user, type(record), filtered, case.via)
    else:
        response = client.get(url, query)
        assert response.status_code == 404, (
            f"{what}: filtered on an organization outside the scope: {response.status_code}"
        )
    assert fingerprint() == before, f"{what}: a GET wrote to the database"


def assert_reads_as_missing(response, case: ApiCase, request: Request, what: str) -> None:
    """A create naming an owner outside the scope: the very message an unknown id gets."""
    owner = request.data[case.owner]
    assert response.json().get(case.owner) == [f"Không tìm thấy (mã {owner})."], f"{what}: {response.content!r}"


# --- the sweep -----------------------------------------------------------------------------------


def sweep_params() -> Iterator:
    for (name, method), case in CASES.items():
        for role in API_ROLES:
            if case.perm is None:
                wheres = ["anywhere"]
            else:
                wheres = [f"in:{p}" for p in role.inside] + [f"out:{p}" for p in role.outside]
            for where in wheres:
                yield pytest.param(name, method, role.user, where, id=f"{name}|{method}|{role.user}|{where}")


def out_of_scope_and_missing(name: str, method: str, by_pk: bool, c: Ctx) -> tuple[str, str]:
    """The URL of the place's record (outside the scope) and the same URL naming no record."""
    request = prepare(name, method, c, False)
    if by_pk:
        return request.url, reverse(name, kwargs={**c.kwargs, "pk": MISSING_PK})
    # a list or the statistics: the organization is in the query
    found, missing = (f"{request.url}?organization={pk}&year={c.year}" for pk in (c.organization.pk, MISSING_PK))
    return found, missing


def object_routes() -> Iterator:
    """Each route that reaches a record, with each role that has something outside its scope."""
    for name, route in api_routes().items():
        method = next((m for n, m in CASES if n == name and CASES[(n, m)].perm is not None), None)
        if method is None:
            continue  # the root and the token: no record
        for role in API_ROLES:
            if role.outside:
                yield pytest.param(name, method, "pk" in route.kwargs, role.user, id=f"{name}|{role.user}")


@pytest.mark.django_db
class TestApiSweep:
    """Every API case × role × place, and every one as anonymous (one shared world: see shared_matrix)."""

    @pytest.mark.parametrize(("name", "method", "user_key", "where"), list(sweep_params()))
    def test_sweep(self, client, matrix, name, method, user_key, where):
        case = CASES[(name, method)]
        role = ROLES_BY_USER[user_key]
        user = user_of(matrix, user_key)
        place = matrix.place(where.split(":", 1)[1]) if ":" in where else matrix.place("cell_a1")
        inside = not where.startswith("out:")
        c = Ctx(matrix=matrix, user=user, place=place)
        what = f"{name} {method} as {user_key} {where}"
        sign_in(client, user)
        if case.listed is not None:
            check_list(client, name, case, c, inside, what)
            return

        expected = expected_status(case, method, role, where, place)
        request = prepare(name, method, c, inside)
        before = fingerprint()
        response = send(client, request)

        if expected == "ok":
            assert response.status_code in SUCCESS, f"{what}: {response.status_code} {response.content[:300]!r}"
            if method == "GET":
                assert fingerprint() == before, f"{what}: a GET wrote to the database"
            elif case.perm is not None:
                assert fingerprint() != before, f"{what}: the permitted write wrote nothing (is the case's body valid?)"
        else:
            assert response.status_code == int(expected), (
                f"{what}: expected {expected}, got {response.status_code} {response.content[:300]!r}"
            )
            if expected == "400":
                assert_reads_as_missing(response, case, request, what)
            assert fingerprint() == before, f"a refused {method} to {name} wrote to the database"

    @pytest.mark.parametrize(("name", "method"), [pytest.param(*key, id="|".join(key)) for key in CASES])
    def test_sweep_anonymous(self, client, matrix, name, method):
        case = CASES[(name, method)]
        c = Ctx(matrix=matrix, user=matrix.world.a1_secretary, place=matrix.place("cell_a1"))
        if case.listed is not None:
            case.listed(c)
        request = prepare(name, method, c, True)
        before = fingerprint()
        response = send(client, request)
        if case.anonymous:
            assert response.status_code == 200, f"{name}: {response.status_code}"
        else:
            assert response.status_code in API_ANONYMOUS, (
                f"{name} {method} answered {response.status_code} to anonymous"
            )
        assert fingerprint() == before

    @pytest.mark.parametrize(("name", "method", "by_pk", "user_key"), list(object_routes()))
    def test_head_and_options_reveal_nothing(self, client, matrix, name, method, by_pk, user_key):
        """Outside the scope, HEAD and OPTIONS answer exactly as for a record that does not exist."""
        user = user_of(matrix, user_key)
        sign_in(client, user)
        for where in ROLES_BY_USER[user_key].outside:
            with transaction.atomic():  # the records made for one place are gone before the next
                c = Ctx(matrix=matrix, user=user, place=matrix.place(where))
                found_url, missing_url = out_of_scope_and_missing(name, method, by_pk, c)
                before = fingerprint()
                for verb in ("HEAD", "OPTIONS"):
                    found, missing = client.generic(verb, found_url), client.generic(verb, missing_url)
                    assert (found.status_code, found.content) == (missing.status_code, missing.content), (
                        f"{verb} {name} as {user_key} on {where}: {found.status_code} {found.content[:300]!r}, "
                        f"unknown record: {missing.status_code} {missing.content[:300]!r}"
                    )
                assert fingerprint() == before, f"{name}: HEAD or OPTIONS wrote to the database"
                transaction.set_rollback(True)

    @pytest.mark.parametrize("name", sorted(api_routes()))
    def test_what_the_walk_does_not_find_is_not_served(self, client, matrix, name):
        """Every other method is refused (405): the walk cannot miss a method that is served."""
        found = {method for endpoint_name, method in api_endpoints() if endpoint_name == name}
        admin = matrix.world.admin
        sign_in(client, admin)
        request = prepare(name, sorted(found)[0], Ctx(matrix=matrix, user=admin, place=matrix.place("cell_a1")), True)
        before = fingerprint()
        for method in sorted(set(SWEPT_METHODS) - found):
            response = client.generic(method, request.url, "{}", content_type="application/json")
            assert response.status_code == 405, (
                f"{name} {method}: {response.status_code}, but the walk found only {found}"
            )
        assert fingerprint() == before
