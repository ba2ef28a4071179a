"""What the report pages and the report API share: the message when the queue is down, and
the download log's entry for a report file."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from committees.audit import download_record
from committees.models import DownloadLog
from reports.models import ReportRender

QUEUE_DOWN = _(
    "Hàng đợi tạo báo cáo đang tạm thời không hoạt động. Yêu cầu đã được lưu; hãy bấm lại sau ít phút "
    "(hệ thống cũng sẽ tự gửi lại)."
)


def record_render_download(request: HttpRequest, render_job: ReportRender) -> None:
    """The download log's entry for one report file (the web page and the API share it)."""
    report = render_job.report
    download_record(
        request=request,
        organization=report.organization,
        kind=DownloadLog.Kind.REPORT_FILE,
        description=render_job.download_name(),
        year=report.year,
    )
