from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from campaigns.models import Campaign


class CampaignListView(PermissionRequiredMixin, ListView):
    permission_required = "campaigns.view_campaign"
    raise_exception = True
    queryset = Campaign.objects.select_related("kabupaten__provinsi")
    template_name = "campaigns/campaign_list.html"
