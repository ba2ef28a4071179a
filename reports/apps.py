from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo và số liệu")

    def ready(self) -> None:
        # Connects the receivers that keep the tally store current.
        from reports import signals  # noqa: F401
