from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Tổ chức đảng và người dùng")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from committees.accounts import session_flag_on_login

        user_logged_in.connect(session_flag_on_login, dispatch_uid="committees_must_set_password")
