"""Statistics, reports and their renders through the API."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model

from committees.models import Role
from pledges.services.plans import plan_save
from reports import services
from reports.models import Report, ReportRender
from reports.statistics import organization_year_figures
from tests.api.conftest import counts, make_pledge, url
from tests.factories import UserFactory, grant, make_organization

User = get_user_model()


@pytest.fixture
def planned(world):
    return plan_save(organization=world.bloc, year=2024)


# --- statistics ---------------------------------------------------------------------------


def test_statistics_are_the_dashboards_figures(world, api):
    make_pledge(world.people_a1[0], submit=True)
    make_pledge(world.people_a2[0])
    response = api(world.a_clerk).get(url(f"statistics/?organization={world.committee_a.pk}&year=2024"))
    assert response.status_code == 200
    expected = organization_year_figures(organization=world.committee_a, year=2024).to_dict()
    assert response.json() == json.loads(json.dumps(expected))
    assert response.json()["pledges_registered"] == 1
    assert [child["organization_id"] for child in response.json()["children"]] == [world.cell_a1.pk, world.cell_a2.pk]


def test_statistics_scope_year_and_parameters(world, api):
    client = api(world.a1_secretary)
    assert client.get(url(f"statistics/?organization={world.cell_a1.pk}&year=2024")).status_code == 200
    assert client.get(url(f"statistics/?organization={world.cell_b1.pk}&year=2024")).status_code == 404
    assert client.get(url(f"statistics/?organization={world.committee_a.pk}&year=2024")).status_code == 404
    response = client.get(url(f"statistics/?organization={world.cell_a1.pk}&year=2022"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Chi bộ Văn phòng Sở không có trong cây tổ chức năm 2022."}
    response = client.get(url("statistics/"))
    assert response.status_code == 400
    assert response.json() == {"organization": ["Trường này là bắt buộc."], "year": ["Trường này là bắt buộc."]}
    assert api().get(url(f"statistics/?organization={world.cell_a1.pk}&year=2024")).status_code == 401
    assert api(world.bloc_reviewer).get(url(f"statistics/?organization={world.bloc.pk}&year=2024")).status_code == 200


def test_statistics_follow_the_tree_of_the_year(world, api):
    founded_2024 = make_organization(world.committee_a, name="Chi bộ mới", founded_on=datetime.date(2024, 2, 1))
    grant(UserFactory(username="bi_thu_moi"), founded_2024, Role.SECRETARY)
    client = api(User.objects.get(username="bi_thu_moi"))
    assert client.get(url(f"statistics/?organization={founded_2024.pk}&year=2024")).status_code == 200
    assert client.get(url(f"statistics/?organization={founded_2024.pk}&year=2023")).status_code == 404


# --- reports ------------------------------------------------------------------------------


def test_clerk_opens_a_report_once(world, planned, api):
    client = api(world.a_clerk)
    response = client.post(url("reports/"), {"organization": world.cell_a1.pk, "year": 2024}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["signer_authority"] == "T/M CHI BỘ"
    assert "Làm theo Bác" in body["opening"]
    response = client.post(url("reports/"), {"organization": world.cell_a1.pk, "year": 2024}, format="json")
    assert response.status_code == 200 and response.json()["id"] == body["id"]
    assert Report.objects.count() == 1
    listed = client.get(url(f"reports/?organization={world.committee_a.pk}&year=2024")).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert "opening" not in listed[0]


def test_report_without_a_plan_says_so(world, api):
    response = api(world.a_clerk).post(url("reports/"), {"organization": world.cell_a1.pk, "year": 2024}, format="json")
    assert response.status_code == 400
    assert "Chưa có kế hoạch năm 2024" in response.json()["non_field_errors"][0]
    assert not Report.objects.exists()


def test_render_is_queued_rendered_and_downloaded(world, planned, api, django_capture_on_commit_callbacks):
    report = services.report_open(organization=world.cell_a1, year=2024)
    client = api(world.a_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(f"reports/{report.pk}/renders/"), {"format": "xlsx"}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["state"] == "queued" and response.json()["download_url"] is None
    render_id = response.json()["id"]

    state = client.get(url(f"renders/{render_id}/")).json()
    assert state["state"] == "ready", state
    assert state["download_url"].endswith(f"/api/v1/renders/{render_id}/download/")
    response = api(world.a1_secretary).get(url(f"renders/{render_id}/download/"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:2] == b"PK"  # a zip container: xlsx
    listed = client.get(url(f"reports/{report.pk}/renders/")).json()
    assert [row["id"] for row in listed] == [render_id]
    assert api(world.b1_secretary).get(url(f"renders/{render_id}/download/")).status_code == 404


def test_download_of_an_unfinished_render_is_404(world, planned, api):
    report = services.report_open(organization=world.cell_a1, year=2024)
    render = ReportRender.objects.create(report=report, format="pdf")
    response = api(world.a_clerk).get(url(f"renders/{render.pk}/download/"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Tệp chưa sẵn sàng."}


def test_render_request_checks_the_format_and_a_finalized_report(world, planned, api):
    report = services.report_open(organization=world.cell_a1, year=2024)
    client = api(world.a_clerk)
    before = counts()
    response = client.post(url(f"reports/{report.pk}/renders/"), {"format": "odt"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"format": ["Giá trị không nằm trong các lựa chọn cho phép."]}
    Report.objects.filter(pk=report.pk).update(state=Report.State.FINALIZED)
    response = client.post(url(f"reports/{report.pk}/renders/"), {"format": "pdf"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Báo cáo đã hoàn thành: hãy tải bản chính thức."]}
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_queue_down_is_503_and_the_job_is_kept(world, planned, api, monkeypatch):
    def broker_down(render_ids):
        raise services.QueueUnavailable

    monkeypatch.setattr(services, "_enqueue", broker_down)
    report = services.report_open(organization=world.cell_a1, year=2024)
    response = api(world.a_clerk).post(url(f"reports/{report.pk}/renders/"), {"format": "pdf"}, format="json")
    assert response.status_code == 503
    assert "Hàng đợi tạo báo cáo đang tạm thời không hoạt động" in response.json()["detail"]
    assert ReportRender.objects.filter(report=report, state="queued").count() == 1
