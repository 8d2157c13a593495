from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and schedule")

    def ready(self):
        from campaigns import audit  # noqa: F401  (connects the audit log's receivers)
