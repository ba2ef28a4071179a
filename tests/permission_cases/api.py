"""Cases of the REST API under /api/v1/ (config/api_urls.py): one per URL name and HTTP method.

The sweep (tests/test_permission_matrix_api.py) asks each API view which methods it serves (a
router's viewset: its HTTP method → action map, less what `http_method_names` refuses; a plain
API view: the handlers it defines), and fails, naming them, on any (URL name, method) without a
case here. HEAD and OPTIONS are not listed: they answer as GET does and describe the endpoint,
and the sweep checks them on every route apart.

An `ApiCase` says what the action asks the door for on the record's organization (`perm`), and
how to build the request, as a page `Case` does: `target(c, inside)` gives the URL kwargs and may
make the record, `data(c, inside)` gives the query string (GET) or the JSON body. Two more kinds:

- a list (`listed=`): `listed(c)` makes a record at the place; the sweep reads the unfiltered
  list (the record is there exactly when the place is in scope, and no row is outside the
  scope) and the list filtered on the place's organization and year (out of scope: 404);
- a create (`owner=`): the body field naming the organization or person the record goes to.
  An owner outside the scope reads as an id that does not exist: 400 on that field.

Every permitted write must change the database (so that "the refused one wrote nothing" is not
true only because the body was invalid). The records are made with the ORM by the page areas'
helpers, reused here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model

from committees.permissions import Perm
from pledges.models import CommendationForm, Exemplar, Pledge, PledgeArea, PledgeState, SessionKind
from reports.models import ReportRender
from tests.permission_cases.base import Ctx, Kwargs, no_kwargs, organization_pk, person_pk, pk_of
from tests.permission_cases.records import make_commendation, make_exemplar, make_pledge, make_session
from tests.permission_cases.reports import make_render, make_report, root_plan

PASSWORD = "matkhau-thu-nghiem"  # every UserFactory user's (tests/factories.py)


@dataclass(frozen=True)
class ApiCase:
    perm: Perm | None  # None: any signed-in user
    target: Kwargs = no_kwargs  # the URL kwargs
    data: Kwargs | None = None  # GET: the query string; other methods: the JSON body
    listed: Callable[[Ctx], Model] | None = None  # a list: the record the place shows, or must not show
    via: str | None = "organization"  # a list: how a row reaches its organization (None: rows are organizations)
    owner: str | None = None  # a create: the body field naming where the record goes
    anonymous: bool = False  # open to anyone (the token endpoint)


def made(make: Callable[[Ctx], object]) -> Kwargs:
    """Target: make the records the request needs, no URL kwargs."""

    def target(c: Ctx, inside: bool) -> dict:
        make(c)
        return {}

    return target


def pledge_in(state: str) -> Kwargs:
    return pk_of(lambda c: make_pledge(c.person, state))


def organization_and_year(c: Ctx, inside: bool) -> dict:
    return {"organization": c.organization.pk, "year": c.year}


# --- request bodies ------------------------------------------------------------------------------

ITEM = {"content": "Gương mẫu trong sinh hoạt chi bộ", "area": PledgeArea.EXAMPLE}


def collective_create(c: Ctx, inside: bool) -> dict:
    return {"organization": c.organization.pk, "year": c.year, "items": [ITEM]}


def assess_first_item(c: Ctx, inside: bool) -> dict:
    item = Pledge.objects.get(pk=c.kwargs["pk"]).items.order_by("pk").first()
    return {"assessments": [{"item": item.pk, "result": "done"}]}


def person_create(c: Ctx, inside: bool) -> dict:
    return {"organization": c.organization.pk, "full_name": "Lê Văn Mới", "category": c.person.category}


def person_update(c: Ctx, inside: bool) -> dict:
    return {"full_name": c.person.full_name, "category": c.person.category, "position": "Trưởng phòng"}


def pledge_create(c: Ctx, inside: bool) -> dict:
    return {"person": c.person.pk, "year": c.year, "items": [ITEM]}


def pledge_update(c: Ctx, inside: bool) -> dict:
    return {"items": [ITEM], "version": Pledge.objects.get(pk=c.kwargs["pk"]).version}


def session_body(c: Ctx, inside: bool) -> dict:
    return {
        "held_on": f"{c.year}-03-10",
        "kind": SessionKind.THEMATIC,
        "topic": "Sinh hoạt chuyên đề quý I",
        "extra_others": 2,
    }


def exemplar_body(c: Ctx, inside: bool) -> dict:
    return {"year": c.year, "name": "Mô hình “Dân vận khéo”", "status": Exemplar.Status.IMPLEMENTED}


def commendation_body(c: Ctx, inside: bool) -> dict:
    return {
        "year": c.year,
        "form": CommendationForm.PRAISE,
        "recipient_person": c.member().pk,
        "reason": "Gương người tốt",
    }


def with_organization(body: Kwargs) -> Kwargs:
    return lambda c, inside: {"organization": c.organization.pk, **body(c, inside)}


def fixed(body: dict) -> Kwargs:
    return lambda c, inside: body


# --- the cases -----------------------------------------------------------------------------------

CASES: dict[tuple[str, str], ApiCase] = {
    ("api-root", "GET"): ApiCase(perm=None),
    # the API's sign-in: a token for the right username and password, to anyone
    ("api-token", "POST"): ApiCase(
        perm=None, anonymous=True, data=lambda c, inside: {"username": c.user.username, "password": PASSWORD}
    ),
    ("api-statistics", "GET"): ApiCase(perm=Perm.VIEW, data=organization_and_year),
    # the tree (read only)
    ("api-organization-list", "GET"): ApiCase(perm=Perm.VIEW, listed=lambda c: c.organization, via=None),
    ("api-organization-detail", "GET"): ApiCase(perm=Perm.VIEW, target=organization_pk),
    # people
    ("api-person-list", "GET"): ApiCase(perm=Perm.VIEW, listed=lambda c: c.person),
    ("api-person-list", "POST"): ApiCase(perm=Perm.ENTER, owner="organization", data=person_create),
    ("api-person-detail", "GET"): ApiCase(perm=Perm.VIEW, target=person_pk),
    ("api-person-detail", "PUT"): ApiCase(perm=Perm.ENTER, target=person_pk, data=person_update),
    ("api-person-detail", "PATCH"): ApiCase(perm=Perm.ENTER, target=person_pk, data=fixed({"position": "Phó phòng"})),
    # pledges
    ("api-pledge-list", "GET"): ApiCase(perm=Perm.VIEW, listed=lambda c: make_pledge(c.person)),
    ("api-pledge-list", "POST"): ApiCase(perm=Perm.ENTER, owner="person", data=pledge_create),
    ("api-pledge-detail", "GET"): ApiCase(perm=Perm.VIEW, target=pledge_in(PledgeState.SUBMITTED)),
    ("api-pledge-detail", "PUT"): ApiCase(perm=Perm.ENTER, target=pledge_in(PledgeState.DRAFT), data=pledge_update),
    ("api-pledge-submit", "POST"): ApiCase(perm=Perm.ENTER, target=pledge_in(PledgeState.DRAFT), data=fixed({})),
    ("api-pledge-accept", "POST"): ApiCase(
        perm=Perm.APPROVE, target=pledge_in(PledgeState.SUBMITTED), data=fixed({"comment": "Đồng ý"})
    ),
    ("api-pledge-return", "POST"): ApiCase(
        perm=Perm.APPROVE, target=pledge_in(PledgeState.SUBMITTED), data=fixed({"comment": "Bổ sung chỉ tiêu đo được"})
    ),
    ("api-pledge-collective", "POST"): ApiCase(perm=Perm.ENTER, owner="organization", data=collective_create),
    ("api-pledge-assess", "POST"): ApiCase(
        perm=Perm.ENTER, target=pledge_in(PledgeState.ACCEPTED), data=assess_first_item
    ),
    ("api-pledge-evaluate", "POST"): ApiCase(
        perm=Perm.APPROVE, target=pledge_in(PledgeState.ACCEPTED), data=fixed({"evaluation": "good"})
    ),
    # study sessions
    ("api-session-list", "GET"): ApiCase(perm=Perm.VIEW, listed=lambda c: make_session(c.organization)),
    ("api-session-list", "POST"): ApiCase(perm=Perm.ENTER, owner="organization", data=with_organization(session_body)),
    ("api-session-detail", "GET"): ApiCase(perm=Perm.VIEW, target=pk_of(lambda c: make_session(c.organization))),
    ("api-session-detail", "PUT"): ApiCase(
        perm=Perm.ENTER, target=pk_of(lambda c: make_session(c.organization)), data=session_body
    ),
    # exemplars
    ("api-exemplar-list", "GET"): ApiCase(perm=Perm.VIEW, listed=lambda c: make_exemplar(c.organization)),
    ("api-exemplar-list", "POST"): ApiCase(
        perm=Perm.ENTER, owner="organization", data=with_organization(exemplar_body)
    ),
    ("api-exemplar-detail", "GET"): ApiCase(perm=Perm.VIEW, target=pk_of(lambda c: make_exemplar(c.organization))),
    ("api-exemplar-detail", "PUT"): ApiCase(
        perm=Perm.ENTER, target=pk_of(lambda c: make_exemplar(c.organization)), data=exemplar_body
    ),
    # commendations
    ("api-commendation-list", "GET"): ApiCase(perm=Perm.VIEW, listed=make_commendation),
    ("api-commendation-list", "POST"): ApiCase(
        perm=Perm.ENTER, owner="organization", data=with_organization(commendation_body)
    ),
    ("api-commendation-detail", "GET"): ApiCase(perm=Perm.VIEW, target=pk_of(make_commendation)),
    ("api-commendation-detail", "PUT"): ApiCase(
        perm=Perm.ENTER, target=pk_of(make_commendation), data=commendation_body
    ),
    # year-end reports and their renders
    ("api-report-list", "GET"): ApiCase(perm=Perm.VIEW, listed=make_report),
    ("api-report-list", "POST"): ApiCase(
        perm=Perm.REPORT, owner="organization", target=made(root_plan), data=organization_and_year
    ),
    ("api-report-detail", "GET"): ApiCase(perm=Perm.VIEW, target=pk_of(make_report)),
    ("api-report-renders", "GET"): ApiCase(perm=Perm.VIEW, target=pk_of(lambda c: make_render(make_report(c)).report)),
    ("api-report-renders", "POST"): ApiCase(
        perm=Perm.REPORT, target=pk_of(make_report), data=fixed({"format": ReportRender.Format.DOCX})
    ),
    ("api-render-detail", "GET"): ApiCase(perm=Perm.VIEW, target=pk_of(lambda c: make_render(make_report(c)))),
    ("api-render-download", "GET"): ApiCase(perm=Perm.VIEW, target=pk_of(lambda c: make_render(make_report(c)))),
}

URL_NAMES = {name for name, _method in CASES}
