from django.shortcuts import redirect

from campaigns.models import Campaign
from campaigns.roles import is_operator


def home(request):
    """Operators land on today's visits; koordinators and admins on the dashboard of the
    one active campaign, or on the list when there are several."""
    if is_operator(request.user):
        return redirect("visits:today")
    active = Campaign.objects.sole_active()
    if active:
        return redirect("campaigns:dashboard", slug=active.slug)
    return redirect("campaigns:list")
