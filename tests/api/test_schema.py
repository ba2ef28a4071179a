"""The OpenAPI schema: served, valid, documented, and fuzzed (schemathesis) without a server error."""

import contextlib
import datetime
from urllib.parse import quote

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from pledges.services import records
from pledges.services.plans import plan_save
from reports import services as report_services
from tests.api.conftest import make_pledge
from tests.factories import api_token

FUZZ_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_schema_is_served_to_an_authenticated_client_as_openapi_3(world, api):
    response = api(world.a1_secretary).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/organizations/",
        "/api/v1/people/{id}/",
        "/api/v1/pledges/{id}/accept/",
        "/api/v1/sessions/",
        "/api/v1/exemplars/",
        "/api/v1/commendations/",
        "/api/v1/statistics/",
        "/api/v1/reports/{id}/renders/",
        "/api/v1/renders/{id}/download/",
        "/api/v1/token/",
    ):
        assert path in paths
    validate_schema(schema)


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_signed_out_the_schema_and_the_docs_lead_to_the_sign_in_page(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == "/dang-nhap/?next=" + quote(url)


def test_a_program_with_bad_credentials_gets_the_apis_refusal(db, api):
    response = api().get("/api/schema/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code in (401, 403)


def test_the_docs_page_says_how_to_obtain_and_revoke_a_token(world, client):
    client.force_login(world.a1_secretary)
    page = client.get("/api/docs/").content.decode()
    assert '<html lang="vi">' in page
    assert "<code>POST /api/v1/auth/token/</code> với tên đăng nhập và mật khẩu" in page
    assert "Thu hồi token:" in page and "menu tài khoản" in page
    assert "/static/img/favicon.svg" in page


def test_generated_schema_validates_without_warnings():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    components = schema["components"]["schemas"]
    # Bounds travel into the schema: a client can see them before it is refused.
    assert components["PledgeCreate"]["properties"]["year"]["minimum"] == 2000
    assert components["ItemInput"]["properties"]["content"]["maxLength"] == 1000
    assert components["PersonCreate"]["properties"]["full_name"]["maxLength"] == 120


def test_docs_page_uses_local_assets_and_no_inline_script(world, login):
    client = login(world.a1_secretary)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "//unpkg" not in page
    assert page.count("<script") == page.count("<script src=") == 3
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_browsable_api_pages_render(world, records, login):
    client = login(world.a1_secretary)
    side = records.inside
    for path in (
        "",
        "organizations/",
        "people/",
        f"people/{side.person.pk}/",
        "pledges/",
        f"pledges/{side.draft.pk}/",
        "sessions/",
        "exemplars/",
        "commendations/",
        "reports/",
        f"reports/{side.report.pk}/",
        f"reports/{side.report.pk}/renders/",
        f"renders/{side.render.pk}/",
        f"statistics/?organization={side.organization.pk}&year=2024",
    ):
        response = client.get(f"/api/v1/{path}", HTTP_ACCEPT="text/html")
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path


@contextlib.contextmanager
def in_process_wsgi():
    """Call the WSGI application in this thread, on the test's own database transaction.

    Like Django's test client: a request must not close the connection at its end, or the
    test's transaction would be lost.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def seed(world) -> None:
    """Rows for generated ids to hit: a pledge, a session, an exemplar, a report with a render."""
    plan_save(organization=world.bloc, year=2024)
    make_pledge(world.people_a1[0], submit=True)
    make_pledge(world.people_a1[1])
    records.session_create(
        organization=world.cell_a1,
        data=records.SessionInput(held_on=datetime.date(2024, 3, 1), kind="study", topic="Chuyên đề năm 2024"),
    )
    records.exemplar_save(organization=world.cell_a1, year=2024, name="Mô hình Dân vận khéo", status="registered")
    report = report_services.report_open(organization=world.cell_a1, year=2024)
    report_services.render_request(report=report, format="pdf")


def test_property_based_run_of_the_schema_finds_no_server_error(world):
    """Every GET, POST, PUT and PATCH operation, with generated parameters and bodies, as a secretary."""
    seed(world)
    headers = {"Authorization": f"Token {api_token(world.a1_secretary)}"}
    failures = []
    with in_process_wsgi():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)
        operations = [
            result.ok() for result in schema.include(method=["GET", "POST", "PUT", "PATCH"]).get_all_operations()
        ]
        assert len(operations) >= 20
        for operation in operations:

            @FUZZ_SETTINGS
            @given(case=operation.as_strategy())
            def call(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error])

            try:
                call()
            except Exception as error:  # collect every failing operation, not only the first
                failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
