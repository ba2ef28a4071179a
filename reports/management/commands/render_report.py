import shutil
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from committees.models import Organization
from reports import services
from reports.models import ReportRender

POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = (
        "Render the year-end report of an organization (or, with --first-year, its report over the span "
        "first year–year) through the same services as the pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="id or exact name")
        parser.add_argument("--year", type=int, required=True, help="the year, or the last year of a span")
        parser.add_argument("--first-year", type=int, help="the first year of a span (sơ kết / tổng kết giai đoạn)")
        parser.add_argument("--format", choices=ReportRender.Format.values, default="pdf")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for a worker")

    def handle(self, *args, organization, year, first_year, format, output, timeout, **options):
        org = self._organization(organization)
        try:
            if first_year is None:
                report = services.report_open(organization=org, year=year)
            else:
                report = services.report_open_span(organization=org, first_year=first_year, last_year=year)
            render = services.render_request(report=report, format=format)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except services.QueueUnavailable:
            raise CommandError("The report queue (Redis) is unavailable; the job is saved, try again.") from None
        render = self._wait(render.pk, timeout)
        if render.state != ReportRender.State.READY:
            raise CommandError(f"Render {render.pk} failed: {render.error}")
        with render.file.open("rb") as source, open(output, "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(f"Wrote {output} ({render.size} bytes, sha256 {render.sha256}).")

    def _organization(self, value: str) -> Organization:
        query = (
            Organization.objects.filter(pk=int(value)) if value.isdigit() else Organization.objects.filter(name=value)
        )
        organization = query.first()
        if organization is None:
            raise CommandError(f"No organization {value!r}.")
        return organization

    def _wait(self, render_id: int, timeout: int) -> ReportRender:
        deadline = time.monotonic() + timeout
        while True:
            render = ReportRender.objects.get(pk=render_id)
            if render.is_finished or time.monotonic() > deadline:
                return render
            time.sleep(POLL_SECONDS)
