import io
import zipfile

import pytest
from django.urls import reverse

from reports import services
from reports.models import Report, ReportRender

pytestmark = pytest.mark.django_db


def page(org, year=2024):
    return reverse("reports:report_page", args=[org.pk, year])


def test_clerk_opens_edits_renders_and_downloads(world, planned, login, django_capture_on_commit_callbacks):
    client = login(world.a_clerk)
    assert client.get(page(world.committee_a)).status_code == 200
    response = client.post(reverse("reports:report_open", args=[world.committee_a.pk, 2024]))
    report = Report.objects.get()
    assert response.url == reverse("reports:report_edit", args=[report.pk])
    form = client.get(response.url).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {"general_situation": "Tình hình chung <b>đậm</b>", "signer_name": "Nguyễn Văn A", "version": report.version}
    )
    assert client.post(response.url, data).status_code == 302
    report.refresh_from_db()
    assert report.signer_name == "Nguyễn Văn A"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:render_request", args=[report.pk]), {"format": "pdf"})
    render = ReportRender.objects.get()
    status = client.get(reverse("reports:render_status", args=[render.pk]))
    assert "Sẵn sàng" in status.content.decode() and "hx-get" not in status.content.decode()
    download = client.get(reverse("reports:render_download", args=[render.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_narrative_html_is_escaped_on_the_page(world, planned, login):
    report = services.report_open(organization=world.committee_a, year=2024)
    services.report_update(report=report, data={"title_summary": "<script>alert(1)</script>"}, expected_version=None)
    body = login(world.a_clerk).get(page(world.committee_a)).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_reviewer_reads_but_cannot_write(world, planned, login, django_capture_on_commit_callbacks):
    report = services.report_open(organization=world.committee_a, year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        render = services.render_request(report=report, format="pdf")
    client = login(world.bloc_reviewer)
    assert client.get(page(world.committee_a)).status_code == 200
    assert client.get(reverse("reports:render_download", args=[render.pk])).status_code == 200
    assert client.post(reverse("reports:render_request", args=[report.pk]), {"format": "pdf"}).status_code == 403
    assert client.get(reverse("reports:report_edit", args=[report.pk])).status_code == 403
    assert client.post(reverse("reports:report_finalize", args=[report.pk])).status_code == 403
    assert client.post(reverse("reports:report_open", args=[world.committee_b.pk, 2024])).status_code == 403


def test_out_of_scope_is_404(world, planned, login, django_capture_on_commit_callbacks):
    report = services.report_open(organization=world.committee_a, year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        render = services.render_request(report=report, format="pdf")
    client = login(world.b1_secretary)
    assert client.get(page(world.committee_a)).status_code == 404
    assert client.get(reverse("reports:render_download", args=[render.pk])).status_code == 404
    assert client.get(reverse("reports:render_status", args=[render.pk])).status_code == 404


def test_download_of_an_unfinished_render_is_404(world, planned, login):
    report = services.report_open(organization=world.committee_a, year=2024)
    render = services.render_request(report=report, format="pdf")
    assert login(world.a_clerk).get(reverse("reports:render_download", args=[render.pk])).status_code == 404


def test_request_without_plan_says_so(world, login):
    response = login(world.a_clerk).post(reverse("reports:report_open", args=[world.committee_a.pk, 2024]), follow=True)
    assert "Chưa có kế hoạch năm 2024" in response.content.decode()


def test_bloc_clerk_renders_the_subtree_and_downloads_a_zip(world, planned, login, django_capture_on_commit_callbacks):
    client = login(world.bloc_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:batch_request", args=[world.bloc.pk, 2024]))
    assert response.status_code == 302
    detail = client.get(response.url)
    assert detail.context["progress"].ready == 6 and detail.context["progress"].finished
    batch = detail.context["batch"]
    assert client.get(reverse("reports:batch_zip", args=[batch.pk])).status_code == 404  # not packed yet
    with django_capture_on_commit_callbacks(execute=True):
        packed = client.post(reverse("reports:batch_zip_request", args=[batch.pk]))
    assert packed.status_code == 302
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(reverse("reports:batch_zip", args=[batch.pk])).streaming_content))
    )
    assert len(archive.namelist()) == 6
    # A second request while the first batch is under way returns it; a finished one makes a new one.
    assert client.post(reverse("reports:batch_request", args=[world.bloc.pk, 2024])).url != response.url
    assert login(world.a_clerk).get(reverse("reports:batch_detail", args=[batch.pk])).status_code == 404


def test_superior_sees_which_subordinate_reports_are_finalized(
    world, planned, login, django_capture_on_commit_callbacks
):
    report = services.report_open(organization=world.committee_a, year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        services.render_request(report=report, format="pdf")
    services.report_finalize(report=report)
    response = login(world.bloc_reviewer).get(page(world.bloc))
    rows = {row.organization.pk: row.report for row in response.context["children"]}
    assert rows[world.committee_a.pk].is_finalized
    assert rows[world.committee_b.pk] is None
    assert "đã hoàn thành" in response.content.decode()
