import datetime
import os
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from pledges.services.pledges import ItemInput, pledge_create
from reports import batches, services
from reports.models import Report, ReportRender
from tests.reports.conftest import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def rendered(report, fmt="pdf", capture=None):
    with capture(execute=True):
        render = services.render_request(report=report, format=fmt)
    render.refresh_from_db()
    return render


def test_report_for_a_year_without_plan_is_refused(world):
    with pytest.raises(ValidationError, match="Chưa có kế hoạch năm 2024"):
        services.report_open(organization=world.committee_a, year=2024)
    assert not Report.objects.exists()


def test_open_prefills_the_structure_and_is_idempotent(world, planned):
    report = services.report_open(organization=world.committee_a, year=2024)
    assert "Đảng ủy Khối" in report.opening and "(b/c)" in report.recipients
    assert report.signer_authority == "T/M ĐẢNG ỦY"
    assert services.report_open(organization=world.committee_a, year=2024) == report
    assert services.report_open(organization=world.cell_a1, year=2024).signer_authority == "T/M CHI BỘ"


def test_pdf_render_is_stored_with_hash_and_figures(world, planned, django_capture_on_commit_callbacks):
    pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Đi làm đúng giờ")], submit=True)
    report = services.report_open(organization=world.committee_a, year=2024)
    render = rendered(report, capture=django_capture_on_commit_callbacks)
    assert render.state == ReportRender.State.READY
    content = render.file.read()
    import hashlib

    assert hashlib.sha256(content).hexdigest() == render.sha256 and render.size == len(content)
    assert render.figures["pledges_registered"] == 1 and render.figures["people_required"] == 6
    text = pdf_text(content)
    for heading in (
        "BÁO CÁO",
        "I. KHÁI QUÁT TÌNH HÌNH",
        "4. Kết quả thi đua",
        "III. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2025",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG ỦY SỞ CÔNG THƯƠNG",
        "PHỤ LỤC",
    ):
        assert heading in text
    # The header's top line is the superior's party organization, not its committee.
    assert text.startswith("ĐẢNG BỘ KHỐI CÁC CƠ QUAN")
    flat = " ".join(text.split())
    assert (
        "Tổng số 06 cán bộ, đảng viên, quần chúng phải đăng ký kế hoạch cá nhân học tập và làm theo Bác; "
        "đã có 01 người đăng ký, đạt 16,7%, theo mẫu 01." in flat
    )


def test_narrative_html_is_escaped_and_long_text_paginates(world, planned, django_capture_on_commit_callbacks):
    report = services.report_open(organization=world.cell_a1, year=2024)
    long_text = "\n".join(f"Đoạn {i}: " + "phong trào thi đua làm theo Bác " * 12 for i in range(80))
    services.report_update(
        report=report, data={"general_situation": "<script>alert(1)</script>\n" + long_text}, expected_version=None
    )
    content = rendered(report, capture=django_capture_on_commit_callbacks).file.read()
    assert "<script>alert(1)</script>" in pdf_text(content)
    assert pdf_pages(content) >= 5


def test_a_running_render_is_not_duplicated(world, planned):
    report = services.report_open(organization=world.cell_a1, year=2024)
    first = services.render_request(report=report, format="pdf")
    second = services.render_request(report=report, format="pdf")
    assert first.pk == second.pk
    assert ReportRender.objects.count() == 1


def test_a_redelivered_task_makes_no_second_file(world, planned, settings):
    report = services.report_open(organization=world.cell_a1, year=2024)
    render = services.render_request(report=report, format="pdf")
    services.render_execute(render_id=render.pk)
    services.render_execute(render_id=render.pk)
    render.refresh_from_db()
    assert render.attempts == 1 and render.state == "ready"
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(files) == 1


def test_a_render_abandoned_by_a_dead_worker_is_claimed_again(world, planned):
    report = services.report_open(organization=world.cell_a1, year=2024)
    render = services.render_request(report=report, format="pdf")
    assert services.render_claim(render_id=render.pk)
    assert not services.render_claim(render_id=render.pk)
    ReportRender.objects.filter(pk=render.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.render_claim(render_id=render.pk)


def test_how_long_a_render_may_run_before_it_is_claimed_again_is_a_setting(world, planned, settings):
    settings.REPORT_RENDER_STALE_AFTER = 60
    report = services.report_open(organization=world.cell_a1, year=2024)
    render = services.render_request(report=report, format="pdf")
    assert services.render_claim(render_id=render.pk)
    ReportRender.objects.filter(pk=render.pk).update(started_at=timezone.now() - datetime.timedelta(seconds=50))
    assert not services.render_claim(render_id=render.pk)
    assert services.renders_requeue_stuck() == 0
    ReportRender.objects.filter(pk=render.pk).update(started_at=timezone.now() - datetime.timedelta(seconds=70))
    with mock.patch.object(services, "_enqueue") as enqueue:
        assert services.renders_requeue_stuck() == 1
    enqueue.assert_called_once_with([render.pk])
    assert services.render_claim(render_id=render.pk)


def test_unwritable_media_fails_clearly_and_serves_nothing(world, planned, settings, tmp_path):
    if os.geteuid() == 0:
        settings.MEDIA_ROOT = "/proc/lamtheobac-not-writable"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        settings.MEDIA_ROOT = locked
    report = services.report_open(organization=world.cell_a1, year=2024)
    render = services.render_request(report=report, format="pdf")
    services.render_execute(render_id=render.pk)
    render.refresh_from_db()
    assert render.state == "failed"
    assert "không ghi được" in render.error
    assert not render.file


def test_transient_database_error_puts_the_job_back_for_a_retry(world, planned):
    report = services.report_open(organization=world.cell_a1, year=2024)
    render = services.render_request(report=report, format="pdf")
    failing = mock.patch.object(services, "_render_bytes", side_effect=OperationalError("server closed the connection"))
    with failing, pytest.raises(services.TransientRenderError):
        services.render_execute(render_id=render.pk)
    render.refresh_from_db()
    assert render.state == "queued"
    services.render_execute(render_id=render.pk)
    render.refresh_from_db()
    assert render.state == "ready" and render.attempts == 2


def test_unexpected_error_is_shown_in_plain_words(world, planned):
    report = services.report_open(organization=world.cell_a1, year=2024)
    render = services.render_request(report=report, format="pdf")
    with mock.patch.object(services, "_render_bytes", side_effect=RuntimeError("boom")):
        services.render_execute(render_id=render.pk)
    render.refresh_from_db()
    assert render.state == "failed" and "lỗi hệ thống" in render.error and "boom" not in render.error


def test_broker_down_keeps_the_job_and_the_request_can_be_repeated(world, planned, django_capture_on_commit_callbacks):
    from reports.tasks import render_report_task

    report = services.report_open(organization=world.cell_a1, year=2024)
    broker_down = mock.patch.object(
        render_report_task, "apply_async", side_effect=KombuOperationalError("Connection refused")
    )
    with broker_down, pytest.raises(services.QueueUnavailable), django_capture_on_commit_callbacks(execute=True):
        services.render_request(report=report, format="pdf")
    render = ReportRender.objects.get()
    assert render.state == "queued"
    again = rendered(report, capture=django_capture_on_commit_callbacks)
    assert again.pk == render.pk and again.state == "ready"


def test_stuck_jobs_are_sent_again(world, planned):
    report = services.report_open(organization=world.cell_a1, year=2024)
    render = services.render_request(report=report, format="pdf")
    ReportRender.objects.filter(pk=render.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    with mock.patch.object(services, "_enqueue") as enqueue:
        assert services.renders_requeue_stuck() == 1
    enqueue.assert_called_once_with([render.pk])


def test_finalize_needs_a_fresh_pdf_and_then_locks(world, planned, django_capture_on_commit_callbacks):
    report = services.report_open(organization=world.cell_a1, year=2024)
    with pytest.raises(ValidationError, match="bản PDF"):
        services.report_finalize(report=report)
    render = rendered(report, capture=django_capture_on_commit_callbacks)
    report = services.report_finalize(report=report)
    assert report.is_finalized and report.final_render == render
    with pytest.raises(ValidationError, match="không sửa được"):
        services.report_update(report=report, data={"opening": "Sửa"}, expected_version=None)
    with pytest.raises(ValidationError, match="bản chính thức"):
        services.render_request(report=report, format="pdf")


def test_stale_version_of_the_narrative_is_refused(world, planned):
    report = services.report_open(organization=world.cell_a1, year=2024)
    services.report_update(report=report, data={"opening": "Một"}, expected_version=report.version)
    with pytest.raises(ValidationError, match="vừa được người khác sửa"):
        services.report_update(report=report, data={"opening": "Hai"}, expected_version=report.version)


def test_batch_renders_every_organization_of_the_subtree(world, planned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.batch_request(organization=world.committee_a, year=2024)
    batch.refresh_from_db()
    assert batch.planned and batch.total == 3
    states = sorted(batch.renders.values_list("report__organization__name", "state"))
    assert [name for name, _ in states] == sorted([world.committee_a.name, world.cell_a1.name, world.cell_a2.name])
    assert {state for _, state in states} == {"ready"}


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_office_formats_render(world, planned, django_capture_on_commit_callbacks, fmt):
    report = services.report_open(organization=world.committee_a, year=2024)
    render = rendered(report, fmt, capture=django_capture_on_commit_callbacks)
    assert render.state == "ready", render.error
    assert render.file.read(2) == b"PK"
