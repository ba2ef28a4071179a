from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Học tập và làm theo")

    def ready(self):
        # Records of the open years follow their organization when it is merged.
        from committees.services import merge_step_register
        from pledges.services import records_follow_merge

        merge_step_register(records_follow_merge)
