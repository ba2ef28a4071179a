from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """Data in and out of the application: spreadsheet imports, the year backup, the demo.

    The top of the stack: it writes through the services of committees, pledges and reports,
    none of which imports it (the layers are checked by `make lint`)."""

    name = "transfers"
    verbose_name = _("Nhập, xuất dữ liệu")
