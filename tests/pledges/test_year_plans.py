"""The year from the pages: a clerk writes the plan of a newly opened year, names its theme and
registers the directives it implements, issued by itself, a superior or a central body."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees import services as committee_services
from pledges.models import Directive, Plan, Theme
from pledges.services.plans import directive_create, plan_save

pytestmark = pytest.mark.django_db


def plan_url(organization, year):
    return reverse("pledges:plan_detail", args=[organization.pk, year])


def directive_url(organization):
    return reverse("pledges:directive_create", args=[organization.pk])


def directive_form(**overrides):
    return {
        "symbol": "55-KH/ĐUK",
        "issued_on": "2024-03-05",
        "title": "Về học tập và làm theo chuyên đề năm 2024",
        "implements": "",
        "issuer": "",
        "issuer_name": "",
        **overrides,
    }


def test_clerk_writes_the_plan_of_next_year_with_a_new_theme(world, login):
    committee_services.reporting_year_open(year=2025)
    client = login(world.a_clerk)
    page = client.get(plan_url(world.committee_a, 2025))
    assert "new_theme" in page.context["form"].fields
    response = client.post(
        plan_url(world.committee_a, 2025),
        {
            "new_theme": "  Chuyên đề năm 2025 về  nêu gương ",
            "pledge_deadline": "2025-04-15",
            "required_thematic_meetings": "3",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(organization=world.committee_a, year=2025)
    assert plan.theme.title == "Chuyên đề năm 2025 về nêu gương" and plan.theme.year == 2025
    assert plan.pledge_deadline == datetime.date(2025, 4, 15) and plan.required_thematic_meetings == 3
    # Themes are national: the next plan of 2025 chooses it, and cannot write a second one.
    assert "new_theme" not in login(world.bloc_clerk).get(plan_url(world.bloc, 2025)).context["form"].fields
    with pytest.raises(ValidationError, match="đã có chuyên đề năm"):
        plan_save(organization=world.committee_b, year=2025, new_theme="Khác")
    assert Theme.objects.filter(year=2025).count() == 1


def test_a_plan_is_refused_in_a_year_not_open_closed_or_with_a_deadline_outside_it(world, login):
    with pytest.raises(ValidationError, match="chưa được mở"):
        plan_save(organization=world.committee_a, year=2025)
    client = login(world.a_clerk)
    page = client.get(plan_url(world.committee_a, 2025))
    assert page.status_code == 200 and page.context["form"] is None
    assert "data-year-not-open" in page.content.decode()
    refused = client.post(
        plan_url(world.committee_a, 2024), {"pledge_deadline": "2025-01-10", "required_thematic_meetings": "2"}
    )
    assert refused.status_code == 200 and "Hạn nộp phải nằm trong năm 2024" in refused.content.decode()
    committee_services.reporting_year_close(year=2023)
    with pytest.raises(ValidationError, match="đã khóa sổ"):
        plan_save(organization=world.committee_a, year=2023)
    assert not Plan.objects.exists()


def test_directive_issued_by_a_superior_or_a_central_body(world, login):
    client = login(world.a_clerk)
    form = client.get(directive_url(world.committee_a)).context["form"]
    issuers = [value for value, _label in form.fields["issuer"].choices]
    assert issuers == [str(world.committee_a.pk), str(world.bloc.pk), str(world.province.pk), "central"]
    response = client.post(directive_url(world.committee_a), directive_form(issuer=str(world.bloc.pk)))
    assert response.status_code == 302
    assert Directive.objects.get(symbol="55-KH/ĐUK").issuing_organization == world.bloc
    missing_name = client.post(
        directive_url(world.committee_a), directive_form(symbol="01-KL/TW", issued_on="2021-05-18", issuer="central")
    )
    assert missing_name.status_code == 200 and "Hãy ghi tên cơ quan ban hành" in missing_name.content.decode()
    central = client.post(
        directive_url(world.committee_a),
        directive_form(symbol="01-KL/TW", issued_on="2021-05-18", issuer="central", issuer_name="Bộ Chính trị"),
    )
    assert central.status_code == 302
    kl = Directive.objects.get(symbol="01-KL/TW")
    assert kl.issuing_organization is None and kl.issuer_name == "Bộ Chính trị"
    # A sibling committee is not offered, and a tampered choice is refused.
    tampered = client.post(
        directive_url(world.committee_a), directive_form(symbol="9-KH/ĐU", issuer=str(world.committee_b.pk))
    )
    assert tampered.status_code == 200 and "Hãy chọn cơ quan ban hành trong danh sách" in tampered.content.decode()
    assert Directive.objects.count() == 2


def test_a_directive_cannot_implement_itself(world):
    first = directive_create(
        symbol="30-KH/ĐUK", issued_on=datetime.date(2024, 3, 7), title="Kế hoạch", issuing_organization=world.bloc
    )
    with pytest.raises(ValidationError, match="không thể thực hiện chính nó"):
        directive_create(
            symbol="30-KH/ĐUK",
            issued_on=datetime.date(2024, 3, 7),
            title="Kế hoạch",
            implements=first,
            issuing_organization=world.bloc,
        )
    assert Directive.objects.count() == 1
