"""Batches as workers' work: the request writes one row, a worker plans the renders in
chunks, the progress is a few counts, and the ZIP is written to storage by a worker."""

import zipfile
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from reports import batches
from reports.models import RenderBatch, ReportRender
from tests.factories import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world):
    from pledges.services.plans import plan_save

    plan_save(organization=world.province, year=2024)


def test_the_request_writes_one_row_and_returns(world, planned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = batches.batch_request(organization=world.bloc, year=2024)
    assert len(callbacks) == 1  # the planning task, sent once the row commits
    assert not batch.planned and not ReportRender.objects.exists()
    # A double click while it is being planned gets the same batch.
    assert batches.batch_request(organization=world.bloc, year=2024) == batch
    assert RenderBatch.objects.count() == 1


def test_a_worker_plans_in_chunks_and_a_redelivery_resumes(
    world, planned, monkeypatch, django_capture_on_commit_callbacks
):
    for number in range(3):
        make_organization(world.committee_b, name=f"Chi bộ thêm {number}")
    monkeypatch.setattr(batches, "PLAN_CHUNK", 2)
    batch = RenderBatch.objects.create(organization=world.bloc, year=2024)
    with mock.patch("reports.batches._send_group") as sent:
        with django_capture_on_commit_callbacks(execute=True):
            planned_batch = batches.batch_plan(batch_id=batch.pk)
        assert planned_batch.planned and planned_batch.total == 9
        assert [len(call.args[0]) for call in sent.call_args_list] == [2, 2, 2, 2, 1]
        RenderBatch.objects.filter(pk=batch.pk).update(planned=False)
        batches.batch_plan(batch_id=batch.pk)  # delivered again: nothing planned twice
    assert batch.renders.count() == 9
    assert batch.renders.values("report__organization").distinct().count() == 9


def test_progress_costs_the_same_for_few_or_many_renders(world, planned, django_assert_num_queries):
    batch = RenderBatch.objects.create(organization=world.bloc, year=2024)
    with mock.patch("reports.batches._send_group"):
        batches.batch_plan(batch_id=batch.pk)
    batch.refresh_from_db()
    with django_assert_num_queries(2):
        progress = batches.batch_progress(batch)
    assert (progress.total, progress.done, progress.finished) == (6, 0, False)
    ReportRender.objects.filter(batch=batch).update(state=ReportRender.State.FAILED, error="Lỗi thử")
    progress = batches.batch_progress(batch)
    assert progress.finished and len(progress.failures) == 6 and progress.ready == 0


def test_the_zip_is_written_by_a_worker_to_storage(world, planned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.batch_request(organization=world.committee_a, year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        batches.batch_zip_request(batch=batch)
    batch.refresh_from_db()
    assert batch.zip_state == RenderBatch.ZipState.READY and batch.zip_files == 3
    with batch.zip_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert len(archive.namelist()) == 3
        assert all(name.endswith(".pdf") for name in archive.namelist())


def test_a_zip_with_nothing_ready_is_refused(world, planned):
    batch = RenderBatch.objects.create(organization=world.committee_a, year=2024, planned=True)
    with pytest.raises(ValidationError, match="Chưa có tệp"):
        batches.batch_zip_request(batch=batch)
    assert RenderBatch.objects.get(pk=batch.pk).zip_state == ""
