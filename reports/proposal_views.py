"""The schedule proposal's page: where the sets go next, and accepting it (admins)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from campaigns import services
from campaigns.roles import is_admin
from reports.maps import proposal_map
from reports.progress import campaign_progress
from reports.progress_views import campaign_and_day, progress_context
from reports.proposal import MAX_EXTRA_SETS, campaign_proposal
from reports.rules import may_propose


def _options(request):
    """?to=extension and ?without=<set code> (a set broken down), as the page was asked."""
    source = request.POST if request.method == "POST" else request.GET
    to = "extension" if source.get("to") == "extension" else "target"
    return to, source.get("without") or None


def _key(visit) -> str:
    """What identifies a proposed visit in the accepting form: day, set and place."""
    return "|".join([visit.day.isoformat(), visit.set_code, visit.kecamatan, "+".join(visit.desa)])


@require_http_methods(["GET", "HEAD", "POST"])
def propose(request, slug):
    """The proposed visits from tomorrow to the target date (or the extension), by day and
    set, what they promise, what they cannot cover and what would cover it."""
    if not may_propose(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _accept(request, slug)
    context = progress_context(request, slug)
    to, without = _options(request)
    plan = campaign_proposal(progress=context["progress"], to=to, without=without)
    today = timezone.localdate()
    context |= {
        "plan": plan,
        "to": plan.to,
        "rows": [
            {
                "visit": v,
                "key": _key(v),
                "place": plan.place_name(v.kecamatan, v.desa),
                "new_day": i == 0 or plan.proposal.visits[i - 1].day != v.day,
            }
            for i, v in enumerate(plan.proposal.visits)
        ],
        "map": proposal_map(context["campaign"], context["progress"], plan),
        "max_extra_sets": MAX_EXTRA_SETS,
        "unvisited": [plan.kecamatan_names.get(k, k) for k in plan.proposal.unvisited],
        # Visits are accepted from today's proposal only: another day's would be in the past.
        "may_accept": is_admin(request.user) and context["progress"].as_of == today,
        "extra_days_until": (
            plan.last_day + datetime.timedelta(days=plan.proposal.extra_days)
            if plan.proposal.extra_days
            else None
        ),
    }
    return render(request, "reports/proposal.html", context)


def _accept(request, slug):
    """Create the ticked visits of today's proposal, each through the admin's rules."""
    if not is_admin(request.user):
        raise PermissionDenied
    campaign, _form, _day = campaign_and_day(request, slug)
    to, without = _options(request)
    progress = campaign_progress(campaign=campaign, as_of=timezone.localdate())
    plan = campaign_proposal(progress=progress, to=to, without=without)
    proposed = {_key(v): v for v in plan.proposal.visits}
    chosen = request.POST.getlist("visit")
    drafts, stale = [], 0
    for key in chosen:
        visit = proposed.get(key)
        if visit is None:  # the proposal changed since the page was opened
            stale += 1
            continue
        drafts.append(
            services.VisitDraft(
                date=visit.day,
                device=visit.set_code,
                kecamatan=visit.kecamatan,
                desa=visit.desa[0] if len(visit.desa) == 1 else None,
                site_name=plan.site_name(visit),
                planned_count=visit.expected,
            )
        )
    if not chosen:
        messages.warning(request, _("No visit was ticked: nothing was created."))
    result = services.visits_create(campaign=campaign, drafts=drafts, by=request.user)
    if result.created:
        count = len(result.created)
        messages.success(
            request,
            ngettext("%(count)s visit created.", "%(count)s visits created.", count)
            % {"count": count},
        )
    for draft, reason in result.refused:
        messages.error(
            request,
            _("%(date)s, %(device)s in %(place)s: not created. %(reason)s")
            % {
                "date": date_format(draft.date, "SHORT_DATE_FORMAT"),
                "device": draft.device,
                "place": draft.site_name,
                "reason": reason,
            },
        )
    if stale:
        messages.error(
            request,
            ngettext(
                "%(count)s ticked visit is no longer in the proposal (the schedule changed "
                "meanwhile): look at the new proposal and accept again.",
                "%(count)s ticked visits are no longer in the proposal (the schedule changed "
                "meanwhile): look at the new proposal and accept again.",
                stale,
            )
            % {"count": stale},
        )
    query = {"to": to} | ({"without": without} if without else {})
    return redirect(f"{reverse('campaigns:propose', args=[campaign.slug])}?{urlencode(query)}")
