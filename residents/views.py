from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from residents import selectors, services
from residents.forms import BacklogEntryForm


@permission_required("residents.view_backlogentry", raise_exception=True)
def backlog(request, slug):
    """The backlog per kecamatan, its clean-up entries, and the form to add one."""
    campaign = get_object_or_404(Campaign.objects.select_related("kabupaten"), slug=slug)
    may_add = request.user.has_perm("residents.add_backlogentry")
    if request.method == "POST" and not may_add:
        raise PermissionDenied
    form = BacklogEntryForm(request.POST or None, campaign=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.backlog_entry_create(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Backlog entry saved."))
            return redirect(request.path)
    totals = list(selectors.backlog_by_kecamatan(campaign=campaign, user=request.user))
    context = {
        "campaign": campaign,
        "totals": totals,
        "total": sum(row["target"] for row in totals),
        "entries": selectors.recent_entries(campaign=campaign, user=request.user),
        "form": form if may_add else None,
    }
    return render(request, "residents/backlog.html", context)
