from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django_filters.views import FilterView

from campaigns.filters import CampaignFilter
from campaigns.models import Campaign
from campaigns.services import is_admin


def home(request):
    """Operators land on today's visits; koordinators and admins on the dashboard of the
    one active campaign, or on the list when there are several."""
    if request.user.has_perm("reports.add_dailyreport") and not is_admin(request.user):
        return redirect("visits:today")
    active = Campaign.objects.sole_active()
    if active:
        return redirect("campaigns:dashboard", slug=active.slug)
    return redirect("campaigns:list")


class CampaignListView(PermissionRequiredMixin, FilterView):
    """Every campaign with its status and percent recorded today, filterable by province."""

    permission_required = "campaigns.view_campaign"
    raise_exception = True
    filterset_class = CampaignFilter
    paginate_by = 50
    template_name = "campaigns/campaign_list.html"

    def get_queryset(self):
        return Campaign.objects.with_totals(timezone.localdate()).select_related(
            "kabupaten__provinsi"
        )
