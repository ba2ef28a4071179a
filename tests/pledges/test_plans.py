import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse

from pledges.models import Exemplar, Plan
from pledges.services import records
from pledges.services.common import ensure_writable, plan_for, year_is_closed
from pledges.services.plans import plan_close, plan_reopen, plan_save, theme_for_year
from tests.pledges.factories_plans import THEME_2024, make_cascade, make_term_theme, make_theme

pytestmark = pytest.mark.django_db


def detail_url(organization, year=2024):
    return reverse("pledges:plan_detail", args=[organization.pk, year])


def close_url(organization, year=2024):
    return reverse("pledges:plan_close", args=[organization.pk, year])


def reopen_url(organization, year=2024):
    return reverse("pledges:plan_reopen", args=[organization.pk, year])


def save_exemplar(organization):
    return records.exemplar_save(
        organization=organization, year=2024, name="Mô hình “Một cửa thân thiện”", status="registered"
    )


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


# --- services --------------------------------------------------------------------------------


def test_plan_save_defaults_deadline_30_april_two_meetings_and_the_year_theme(world):
    theme = make_theme()
    plan = plan_save(organization=world.committee_a, year=2024)
    assert plan.pledge_deadline == datetime.date(2024, 4, 30)
    assert plan.required_thematic_meetings == 2
    assert plan.theme == theme == theme_for_year(2024)
    assert plan.is_closed is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pledge_deadline": datetime.date(2025, 1, 10)}, "trong năm 2024"),
        ({"required_thematic_meetings": 13}, "từ 0 đến 12"),
        ({"year": 2030}, "không hợp lệ"),
    ],
)
def test_plan_save_refuses_bad_terms(world, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        plan_save(**({"organization": world.committee_a, "year": 2024} | kwargs))
    assert not Plan.objects.exists()


def test_plan_is_inherited_from_the_nearest_superior(world):
    bloc_plan = plan_save(organization=world.bloc, year=2024, pledge_deadline=datetime.date(2024, 4, 15))
    assert plan_for(organization=world.cell_a1, year=2024) == bloc_plan
    committee_plan = plan_save(organization=world.committee_a, year=2024, required_thematic_meetings=4)
    assert plan_for(organization=world.cell_a1, year=2024) == committee_plan
    assert plan_for(organization=world.cell_b1, year=2024) == bloc_plan
    assert plan_for(organization=world.cell_a1, year=2023) is None


def test_closing_makes_the_organization_and_its_subtree_read_only(world):
    plan = plan_save(organization=world.committee_a, year=2024)
    plan_close(plan=plan)
    for organization in (world.committee_a, world.cell_a1, world.cell_a2):
        assert year_is_closed(organization=organization, year=2024)
        with pytest.raises(ValidationError, match="đã khóa sổ"):
            ensure_writable(organization=organization, year=2024)
    with pytest.raises(ValidationError, match="khóa sổ"):
        save_exemplar(world.cell_a1)
    with pytest.raises(ValidationError, match="khóa sổ"):
        plan_save(organization=world.cell_a1, year=2024)
    with pytest.raises(ValidationError, match="khóa sổ"):
        plan_save(organization=world.committee_a, year=2024, required_thematic_meetings=3)
    with pytest.raises(ValidationError, match="đã khóa sổ"):
        plan_close(plan=plan)
    assert not Exemplar.objects.exists()
    # Other branches and other years stay open.
    save_exemplar(world.cell_b1)
    ensure_writable(organization=world.cell_a1, year=2023)


def test_reopen_requires_a_reason_and_records_it(world):
    plan = plan_close(plan=plan_save(organization=world.committee_a, year=2024), by=world.a_clerk)
    with pytest.raises(ValidationError, match="lý do"):
        plan_reopen(plan=plan, reason="   ")
    plan.refresh_from_db()
    assert plan.is_closed
    plan_reopen(plan=plan, reason="Bổ sung  hồ sơ khen thưởng", by=world.a_clerk)
    plan.refresh_from_db()
    assert not plan.is_closed and plan.closed_at is None
    latest = plan.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "Mở lại: Bổ sung hồ sơ khen thưởng"
    assert latest.history_user == world.a_clerk
    assert plan.history.filter(history_change_reason="Khóa sổ").exists()
    assert save_exemplar(world.cell_a1).pk
    with pytest.raises(ValidationError, match="chưa khóa sổ"):
        plan_reopen(plan=plan, reason="Lần nữa")


# --- the plan page -----------------------------------------------------------------------------


def test_page_shows_the_inherited_plan_theme_and_cascade(world, login):
    make_theme()
    make_term_theme()
    chain = make_cascade(world)
    plan_save(
        organization=world.committee_a,
        year=2024,
        directive=chain["du"],
        pledge_deadline=datetime.date(2024, 4, 20),
        required_thematic_meetings=3,
    )
    response = login(world.a1_secretary).get(detail_url(world.cell_a1))
    assert response.status_code == 200
    assert response.context["inherited"] is True
    body = response.content.decode()
    assert 'data-plan-source="inherited"' in body
    assert world.committee_a.name in body
    assert THEME_2024 in body and "Chuyên đề toàn khóa" in body
    assert "20/04/2024" in body
    cascade = body[body.index("directive-cascade") :]
    symbols = ["05-CT/TW", "01-KL/TW", "52-KH/TU", "30-KH/ĐUK", "20-KH/ĐU"]
    positions = [cascade.index(f"{symbol}</strong>") for symbol in symbols]
    assert positions == sorted(positions)
    for date in ("15/05/2016", "18/05/2021", "04/03/2022", "07/03/2022", "15/04/2022"):
        assert date in body
    assert "Đang mở" in body


def test_page_without_any_plan_shows_the_defaults(world, login):
    response = login(world.bloc_reviewer).get(detail_url(world.cell_b1))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-plan-source="none"' in body
    assert "30/04/2024" in body
    assert response.context["form"] is None
    assert "Khóa sổ năm" not in body


def test_secretary_creates_and_edits_the_cell_own_plan(world, login):
    chain = make_cascade(world)
    theme = make_theme()
    plan_save(organization=world.committee_a, year=2024)
    client = login(world.a1_secretary)
    page = client.get(detail_url(world.cell_a1))
    assert page.context["form"] is not None
    choices = {str(value) for value, _label in page.context["form"].fields["directive"].choices}
    assert str(chain["du"].pk) in choices
    data = {
        "directive": chain["du"].pk,
        "theme": theme.pk,
        "pledge_deadline": "15/04/2024",
        "required_thematic_meetings": "3",
    }
    response = client.post(detail_url(world.cell_a1), data)
    assert response.status_code == 302
    plan = Plan.objects.get(organization=world.cell_a1, year=2024)
    assert (plan.directive, plan.theme, plan.pledge_deadline, plan.required_thematic_meetings) == (
        chain["du"],
        theme,
        datetime.date(2024, 4, 15),
        3,
    )
    assert plan_for(organization=world.cell_a1, year=2024) == plan
    client.post(detail_url(world.cell_a1), data | {"required_thematic_meetings": "4", "pledge_deadline": ""})
    plan.refresh_from_db()
    assert (plan.required_thematic_meetings, plan.pledge_deadline) == (4, datetime.date(2024, 4, 30))
    assert plan.history.count() == 2
    assert plan.history.first().history_user == world.a1_secretary


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"required_thematic_meetings": "13"}, "Số buổi sinh hoạt chuyên đề phải từ 0 đến 12."),
        ({"required_thematic_meetings": ""}, "Hãy nhập số buổi sinh hoạt chuyên đề"),
        ({"pledge_deadline": "2025-01-15"}, "Hạn nộp phải nằm trong năm 2024."),
        ({"pledge_deadline": "30/02/2024"}, "Ngày không hợp lệ"),
        ({"directive": "999999"}, "không có trong sổ văn bản"),
    ],
)
def test_bad_plan_input_comes_back_filled(world, login, overrides, message):
    data = {
        "directive": "",
        "theme": "",
        "pledge_deadline": "2024-04-10",
        "required_thematic_meetings": "3",
    } | overrides
    response = login(world.a1_secretary).post(detail_url(world.cell_a1), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'value="{data["pledge_deadline"]}"' in body or data["pledge_deadline"] == "30/02/2024"
    assert not Plan.objects.exists()


def test_secretary_cannot_pick_a_directive_of_another_branch(world, login):
    from pledges.services.plans import directive_create

    other = directive_create(
        symbol="9-KH/ĐU",
        issued_on=datetime.date(2024, 1, 9),
        title="Sở Tài chính",
        issuing_organization=world.committee_b,
    )
    response = login(world.a1_secretary).post(
        detail_url(world.cell_a1), {"directive": other.pk, "pledge_deadline": "", "required_thematic_meetings": "2"}
    )
    assert response.status_code == 200
    assert "không có trong sổ văn bản" in response.content.decode()
    assert not Plan.objects.exists()


def test_clerk_closes_and_reopens_with_a_reason_recorded_in_the_history(world, login):
    client = login(world.a_clerk)
    page = client.get(detail_url(world.committee_a))
    assert "Khóa sổ năm" in page.content.decode()
    assert page.context["form"] is not None  # the clerk writes the committee's plan
    response = client.post(close_url(world.committee_a))
    assert response.status_code == 302 and response.url == detail_url(world.committee_a)
    plan = Plan.objects.get(organization=world.committee_a, year=2024)
    assert plan.is_closed and plan.pledge_deadline == datetime.date(2024, 4, 30)
    with pytest.raises(ValidationError):
        save_exemplar(world.cell_a1)

    closed_page = client.get(detail_url(world.committee_a))
    assert "Đã khóa sổ" in closed_page.content.decode()
    assert reopen_url(world.committee_a) in closed_page.content.decode()

    no_reason = client.post(reopen_url(world.committee_a), {"reason": "  "}, follow=True)
    assert "Hãy ghi lý do mở lại năm đã khóa sổ." in no_reason.content.decode()
    plan.refresh_from_db()
    assert plan.is_closed

    client.post(reopen_url(world.committee_a), {"reason": "Bổ sung kết quả đánh giá"})
    plan.refresh_from_db()
    assert not plan.is_closed
    page = client.get(detail_url(world.committee_a))
    body = page.content.decode()
    assert "Mở lại: Bổ sung kết quả đánh giá" in body
    assert "Khóa sổ" in body and "a_clerk" in body
    save_exemplar(world.cell_a1)


def test_closed_year_refuses_the_secretary_edit_and_hides_the_form(world, login):
    plan_close(plan=plan_save(organization=world.committee_a, year=2024))
    client = login(world.a1_secretary)
    page = client.get(detail_url(world.cell_a1))
    assert page.context["form"] is None
    assert page.context["closed_by"].organization == world.committee_a
    response = client.post(
        detail_url(world.cell_a1), {"pledge_deadline": "2024-04-10", "required_thematic_meetings": "3"}
    )
    assert response.status_code == 200
    assert "Năm 2024 đã khóa sổ: không sửa được kế hoạch." in response.content.decode()
    assert not Plan.objects.filter(organization=world.cell_a1).exists()


def test_closing_under_a_closed_superior_and_reopening_an_open_year_give_messages(world, login):
    plan_close(plan=plan_save(organization=world.bloc, year=2024))
    client = login(world.a_clerk)
    page = client.get(detail_url(world.committee_a)).content.decode()
    assert "Năm được khóa sổ ở cấp trên" in page
    response = client.post(close_url(world.committee_a), follow=True)
    assert "đã khóa sổ" in response.content.decode()
    assert not Plan.objects.filter(organization=world.committee_a).exists()
    response = client.post(reopen_url(world.committee_a), {"reason": "Thử"}, follow=True)
    assert "chưa khóa sổ" in response.content.decode()
    assert Plan.objects.get(organization=world.bloc).is_closed


def test_history_is_shown_only_to_history_holders(world, login):
    plan_save(organization=world.cell_a1, year=2024, by=world.a1_secretary)
    secretary_page = login(world.a1_secretary).get(detail_url(world.cell_a1))
    assert secretary_page.context["history"] is None
    assert "Lịch sử thay đổi" not in secretary_page.content.decode()
    clerk_page = login(world.bloc_clerk).get(detail_url(world.cell_a1))
    assert len(clerk_page.context["history"]) == 1
    assert "Lịch sử thay đổi" in clerk_page.content.decode()


def test_plan_permissions(world, client, login):
    form = {"pledge_deadline": "2024-04-10", "required_thematic_meetings": "3"}
    for url in (detail_url(world.cell_a1), close_url(world.cell_a1), reopen_url(world.cell_a1)):
        assert_login_redirect(client.post(url, {"reason": "x"} | form))
    assert_login_redirect(client.get(detail_url(world.cell_a1)))

    # Out of scope: 404 on reading and writing.
    b1 = login(world.b1_secretary)
    assert b1.get(detail_url(world.cell_a1)).status_code == 404
    assert b1.post(detail_url(world.cell_a1), form).status_code == 404
    assert login(world.a_clerk).post(close_url(world.committee_b)).status_code == 404
    assert login(world.outsider).get(detail_url(world.cell_a1)).status_code == 404

    # The reviewer reads everything and writes nothing.
    reviewer = login(world.bloc_reviewer)
    assert reviewer.get(detail_url(world.cell_a1)).status_code == 200
    assert reviewer.post(detail_url(world.cell_a1), form).status_code == 403
    assert reviewer.post(close_url(world.cell_a1)).status_code == 403
    assert reviewer.post(reopen_url(world.cell_a1), {"reason": "x"}).status_code == 403

    # The secretary edits the plan but does not close or reopen the year.
    secretary = login(world.a1_secretary)
    assert secretary.post(close_url(world.cell_a1)).status_code == 403
    assert secretary.post(reopen_url(world.cell_a1), {"reason": "x"}).status_code == 403
    assert not Plan.objects.exists()

    # The clerk writes the plan, closes and reopens the year.
    clerk = login(world.a_clerk)
    assert clerk.get(close_url(world.cell_a1)).status_code == 405
    assert clerk.post(close_url(world.cell_a1)).status_code == 302
    assert Plan.objects.get(organization=world.cell_a1).is_closed
    assert year_is_closed(organization=world.cell_a1, year=2024)
    assert not year_is_closed(organization=world.cell_a2, year=2024)


def test_plan_page_query_count_is_bounded(world, login, django_assert_max_num_queries):
    make_theme()
    chain = make_cascade(world)
    plan = plan_save(organization=world.committee_a, year=2024, directive=chain["du"], by=world.a_clerk)
    client = login(world.bloc_clerk)
    client.get(detail_url(world.committee_a))
    with django_assert_max_num_queries(30) as few:
        client.get(detail_url(world.committee_a))
    for meetings in range(3, 12):
        plan_save(organization=world.committee_a, year=2024, directive=chain["du"], required_thematic_meetings=meetings)
    plan_close(plan=plan)
    plan_reopen(plan=plan, reason="Sửa")
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        response = client.get(detail_url(world.committee_a))
    assert len(response.context["history"]) == 12


# --- the admin -----------------------------------------------------------------------------------


def test_admin_pages_of_every_record_load(world, login):
    from django.apps import apps
    from django.contrib import admin

    make_theme()
    chain = make_cascade(world)
    plan = plan_close(plan=plan_save(organization=world.committee_a, year=2024, directive=chain["du"]))
    save_exemplar(world.cell_b1)
    client = login(world.admin)
    for model in apps.get_app_config("pledges").get_models():
        if model.__name__.startswith("Historical"):
            continue
        assert model in admin.site._registry, model
        opts = model._meta
        assert client.get(reverse(f"admin:pledges_{opts.model_name}_changelist")).status_code == 200
        # The reminder log is written by the daily task only: its admin refuses additions.
        expected = 403 if model.__name__ == "ReminderLog" else 200
        assert client.get(reverse(f"admin:pledges_{opts.model_name}_add")).status_code == expected
    change = client.get(reverse("admin:pledges_plan_change", args=[plan.pk]))
    assert change.status_code == 200
    assert client.get(reverse("admin:pledges_plan_history", args=[plan.pk])).status_code == 200
    assert client.get(reverse("admin:pledges_directive_change", args=[chain["du"].pk])).status_code == 200
    state = client.get(reverse("admin:pledges_directive_changelist"), {"q": "52-KH"})
    assert "52-KH/TU" in state.content.decode()


def test_admin_refuses_a_state_document_type_on_a_directive(world, login):
    from pledges.models import Directive, DocumentType

    state_type = DocumentType.objects.get(code="QyĐ")
    data = {
        "number": "12",
        "doc_type": state_type.pk,
        "issuer_code": "UBND",
        "issued_on": "2024-03-01",
        "title": "Quyết định",
    }
    response = login(world.admin).post(reverse("admin:pledges_directive_add"), data)
    assert response.status_code == 200
    assert "văn bản của Nhà nước" in response.content.decode()
    assert not Directive.objects.exists()
