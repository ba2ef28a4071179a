"""Security headers on every kind of response, and pages that the strict policy lets work.

The Content-Security-Policy allows scripts and styles from our own files only: no inline
script, no `on...=` handler, no `javascript:` link, no style element or attribute. The
browser check (tests/browser/test_csp.py) sees the same pages run without a violation.
"""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from pledges.services.plans import plan_save
from reports.models import RenderBatch
from tests.permission_cases.records import make_pledge
from tests.test_settings import clean_env, random_secret_key, run

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response) -> None:
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


class InlineCode(HTMLParser):
    """Collects what the policy refuses: inline scripts, handlers, javascript: URLs, styles."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append(f"<script> without src: {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}= on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_checker_sees_each_kind_of_inline_code():
    html = (
        '<script>alert(1)</script><script src="/s.js"></script><script type="application/json">{}</script>'
        '<style>p{}</style><p style="color:red" onclick="x()"><a href="javascript:void(0)">x</a></p>'
    )
    assert len(inline_code(html)) == 5
    assert inline_code('<p class="x"><a href="/">ok</a></p><script src="/a.js"></script>') == []


def test_the_policy_has_no_unsafe_source():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for values in directives.values():
        assert not any(value.startswith("'unsafe-") for value in values)
    assert directives["script-src"] == ["'self'"]


def test_headers_on_the_login_page(client, world):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


def test_headers_on_a_404_and_the_api(client, world):
    assert_security_headers(client.get("/khong-co-trang-nay/"))
    client.force_login(world.a1_secretary)
    response = client.get("/api/v1/organizations/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_api_docs_page_has_no_inline_code(client, world):
    client.force_login(world.a1_secretary)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert_security_headers(response)
    page = response.content.decode()
    assert inline_code(page) == []
    assert "css/api_docs.css" in page
    # Its start-up script is a file of its own, sent as JavaScript.
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def pages(world) -> list[tuple[object, str]]:
    """(user, URL) of the pages with forms, charts, htmx and progress bars."""
    plan_save(organization=world.bloc, year=2024)
    make_pledge(world.people_a1[0])
    batch = RenderBatch.objects.create(organization=world.committee_a, year=2024)
    return [
        (world.bloc_reviewer, reverse("reports:dashboard", args=[world.bloc.pk, 2024])),
        (world.a1_secretary, reverse("pledges:roster", args=[world.cell_a1.pk, 2024])),
        (world.a1_secretary, reverse("pledges:pledge_entry", args=[world.people_a1[1].pk, 2024])),
        (world.a1_secretary, reverse("pledges:collective_pledge", args=[world.cell_a1.pk, 2024])),
        (world.a1_secretary, reverse("pledges:session_create", args=[world.cell_a1.pk])),
        (world.a1_secretary, reverse("committees:person_create", args=[world.cell_a1.pk])),
        (world.a1_secretary, reverse("committees:people_search") + "?q=tran"),
        (world.a1_secretary, reverse("password_change")),
        (world.a_clerk, reverse("transfers:import_page", args=[world.committee_a.pk])),
        (world.a_clerk, reverse("reports:batch_detail", args=[batch.pk])),
        (world.a_clerk, reverse("reports:report_page", args=[world.committee_a.pk, 2024])),
        (world.admin, reverse("committees:organization_detail", args=[world.province.pk])),
        (world.admin, "/quan-tri/"),
        (world.admin, "/quan-tri/committees/organization/"),
        (world.admin, f"/quan-tri/committees/person/{world.people_a1[0].pk}/change/"),
    ]


def test_pages_carry_no_inline_code(client, world):
    for user, url in pages(world):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert inline_code(response.content.decode()) == [], url


def test_the_browsable_api_has_no_inline_code(client, world):
    make_pledge(world.people_a1[0])
    client.force_login(world.a1_secretary)
    for url in ("/api/v1/", "/api/v1/pledges/", "/api/v1/organizations/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response["Content-Type"].startswith("text/html"), url
        assert_security_headers(response)
        assert inline_code(response.content.decode()) == [], url


def test_the_403_page_goes_back_without_a_javascript_link(client, world):
    client.force_login(world.bloc_reviewer)
    response = client.get(reverse("committees:person_create", args=[world.cell_a1.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert inline_code(page) == []
    assert "data-history-back" in page


def test_the_batch_progress_bar_width_is_a_data_attribute(client, world):
    batch = RenderBatch.objects.create(organization=world.committee_a, year=2024)
    client.force_login(world.a_clerk)
    page = client.get(reverse("reports:batch_detail", args=[batch.pk])).content.decode()
    assert 'class="progress-bar" data-progress="0"' in page


def test_htmx_is_told_not_to_inject_its_indicator_style(client, world):
    client.force_login(world.a1_secretary)
    page = client.get(reverse("pledges:roster", args=[world.cell_a1.pk, 2024])).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false}\'>' in page


def test_production_cookies_are_secure_httponly_and_same_site():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE)"
    )
    env = clean_env(DEBUG="0", TESTING="0", SECRET_KEY=random_secret_key(), ALLOWED_HOSTS="example.org")
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "Lax", "True", "True", "Lax"]
