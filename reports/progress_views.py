"""The pages that show a campaign's progress: the list of campaigns, the dashboard, the
briefing and progress.json."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django_filters.views import FilterView

from campaigns.filters import CampaignFilter, provinces_with_campaigns
from campaigns.models import Campaign
from reports import charts, maps, whatsapp
from reports.forms import AsOfForm
from reports.kecamatan_table import KecamatanState, kecamatan_rows
from reports.progress import campaign_progress, status_sentence
from reports.rules import may_propose
from reports.selectors import campaigns_with_totals
from reports.sets_needed import sets_needed

NEXT_PLACES = 5  # the top of the ranked list on the dashboard's first screen


class CampaignListView(PermissionRequiredMixin, FilterView):
    """Every campaign with its status and percent recorded today, filterable by province."""

    permission_required = "campaigns.view_campaign"
    raise_exception = True
    filterset_class = CampaignFilter
    paginate_by = 50
    template_name = "campaigns/campaign_list.html"

    def get_queryset(self):
        campaigns = Campaign.objects.select_related("kabupaten__provinsi")
        return campaigns_with_totals(campaigns, timezone.localdate())

    def get_context_data(self, **kwargs):
        # Each province's roll-up (reports.province_views), for the Polda.
        provinces = provinces_with_campaigns(self.request).order_by("name")
        return super().get_context_data(**kwargs) | {"provinces": provinces}


def campaign_and_day(request, slug, iso_only=False):
    """The campaign of the URL and the day its pages show (?as_of=, else today)."""
    campaign = get_object_or_404(Campaign.objects.select_related("kabupaten__provinsi"), slug=slug)
    today = timezone.localdate()
    form = AsOfForm(
        request.GET or None, initial={"as_of": today}, campaign=campaign, iso_only=iso_only
    )
    return campaign, form, form.day(today)


def progress_context(request, slug):
    """What every progress page starts from: the campaign, the as_of form and the numbers."""
    campaign, form, as_of = campaign_and_day(request, slug)
    progress = campaign_progress(campaign=campaign, as_of=as_of)
    return {"campaign": campaign, "form": form, "progress": progress}


def _share_link(progress, sets):
    """The day's summary for the coordinators' WhatsApp group."""
    tomorrow = whatsapp.tomorrows_visits(progress)
    return whatsapp.wa_link(whatsapp.daily_summary(progress, tomorrow=tomorrow, sets=sets))


def review_link(user, campaign) -> str | None:
    """Where `user` can see the campaign's reports awaiting review, or None: a page they can
    open, never one that answers 403. The admin's list of flagged reports for those who may
    change reports there (admins); the read-only list of the late-reports page for the others
    who see visits (koordinators, operators), while the campaign is open (that page lists
    open campaigns only)."""
    if user.is_staff and user.has_perm("reports.change_dailyreport"):
        query = {"needs_review__exact": 1, "visit__campaign__id__exact": campaign.pk}
        return f"{reverse('admin:reports_dailyreport_changelist')}?{urlencode(query)}"
    if user.has_perm("campaigns.view_visit") and not campaign.is_closed:
        return f"{reverse('visits:late')}?{urlencode({'campaign': campaign.slug})}#review"
    return None


@require_safe
@permission_required("campaigns.view_campaign", raise_exception=True)
def dashboard(request, slug):
    """Will the campaign finish in time, and if not, what would it take?"""
    context = progress_context(request, slug)
    progress = context["progress"]
    context |= {
        "sentence": status_sentence(progress),
        "sets_needed": (sets := sets_needed(progress)),
        "next_places": next_places(progress),
        "map": maps.kabupaten_map(context["campaign"], progress),
        "charts": charts.dashboard_charts(progress),
        "share": _share_link(progress, sets),
        "review_link": review_link(request.user, context["campaign"]),
        "may_propose": may_propose(request.user),
    }
    return render(request, "reports/dashboard.html", context)


def next_places(progress, n=NEXT_PLACES):
    """The first kecamatan of the table's need ranking that still have a backlog."""
    rows = kecamatan_rows(progress)
    return [row for row in rows if row.state != KecamatanState.DONE][:n]


@require_safe
@permission_required("campaigns.view_campaign", raise_exception=True)
def briefing(request, slug):
    """One printable A4 page for the coordinators' daily meeting."""
    context = progress_context(request, slug)
    progress = context["progress"]
    context |= {
        "sentence": status_sentence(progress),
        "cumulative_chart": charts.cumulative_chart(progress, width=640, height=230),
        "map": maps.kabupaten_map(context["campaign"], progress),
        "rows": kecamatan_rows(progress),
        "sets_needed": (sets := sets_needed(progress)),
        "share": _share_link(progress, sets),
    }
    return render(request, "reports/briefing.html", context)


@require_safe
@permission_required("campaigns.view_campaign", raise_exception=True)
def progress_json(request, slug):
    campaign, form, as_of = campaign_and_day(request, slug, iso_only=True)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return JsonResponse(campaign_progress(campaign=campaign, as_of=as_of).as_json())
