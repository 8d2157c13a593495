from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaigns.models import Campaign, Visit
from reports import charts, services
from reports.forms import AsOfForm, DailyReportForm
from reports.models import DailyReport
from reports.progress import campaign_progress, status_sentence
from reports.selectors import report_changes


def _visits_for(user):
    """The visits a user may see, with what their pages show."""
    return Visit.objects.visible_to(user).with_place().select_related("report")


def _open_visits_for(user):
    return _visits_for(user).exclude(campaign__status=Campaign.Status.CLOSED)


@require_safe
@permission_required("campaigns.view_visit", raise_exception=True)
def visits_today(request):
    """Today's visits, and earlier ones still without a report, for this user."""
    today = timezone.localdate()
    visits = (
        _open_visits_for(request.user)
        .filter(Q(operators=request.user) | Q(operators__isnull=True))
        .filter(Q(date=today) | Q(date__lt=today, report__isnull=True))
        .distinct()
        .order_by("date", "kecamatan__name", "device__code")
    )
    return render(request, "reports/visits_today.html", {"visits": visits, "today": today})


@permission_required("campaigns.view_visit", raise_exception=True)
def visit_report(request, visit_id):
    visit = get_object_or_404(_visits_for(request.user), pk=visit_id)
    report = DailyReport.objects.filter(visit=visit).first()
    may_report = request.user.has_perm("reports.add_dailyreport")
    if request.method == "POST" and not may_report:
        raise PermissionDenied
    form = DailyReportForm(request.POST or None, initial=_initial(report))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.daily_report_save(
                visit=visit,
                data=form.cleaned_data,
                by=request.user,
                reason=form.cleaned_data["reason"],
                confirmed=form.cleaned_data["confirm"],
                version=form.cleaned_data["version"],
            )
        except services.StaleReport as stale:
            form.add_error(None, stale)
            conflict = _conflict(form, stale.report)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Report saved: %(count)s recorded.")
                % {"count": form.cleaned_data["recorded_count"]},
            )
            return redirect(request.path)  # Post/Redirect/Get: a reload sends nothing
    context = {
        "visit": visit,
        "report": report,
        "form": form if may_report else None,
        "changes": report_changes(report, request.user) if report else [],
        "is_future": visit.date > timezone.localdate(),
        "conflict": conflict,
    }
    return render(request, "reports/visit_report.html", context)


def _initial(report):
    if report is None:
        return {"version": 0}
    return {field: getattr(report, field) for field in services.REPORT_FIELDS} | {
        "version": report.version
    }


def _shown(value):
    return "—" if value in (None, "") else value


def _conflict(form, saved):
    """Saved and sent values side by side, where they differ; the form now carries the saved
    version, so that sending it again is a knowing choice to replace the saved values."""
    form.data = form.data.copy()
    form.data["version"] = saved.version
    return [
        (form.fields[field].label, _shown(getattr(saved, field)), _shown(form.cleaned_data[field]))
        for field in services.REPORT_FIELDS
        if getattr(saved, field) != form.cleaned_data[field]
    ]


@require_safe
@permission_required("campaigns.view_visit", raise_exception=True)
def late_reports(request):
    """Visits dated before today with no report, and reports flagged for review."""
    today = timezone.localdate()
    late = (
        _open_visits_for(request.user)
        .filter(date__lt=today, report__isnull=True)
        .order_by("kecamatan__name", "device__code", "date")
    )
    flagged = (
        _open_visits_for(request.user)
        .filter(report__needs_review=True)
        .order_by("-date", "kecamatan__name")
    )
    rows = [(visit, (today - visit.date).days) for visit in late]
    return render(
        request,
        "reports/late_reports.html",
        {"late": rows, "flagged": flagged, "today": today},
    )


def _campaign_and_day(request, slug):
    campaign = get_object_or_404(Campaign.objects.select_related("kabupaten__provinsi"), slug=slug)
    today = timezone.localdate()
    form = AsOfForm(request.GET or None, initial={"as_of": today}, campaign=campaign)
    return campaign, form, form.day(today)


def progress_context(request, slug):
    """What every progress page starts from: the campaign, the as_of form and the numbers."""
    campaign, form, as_of = _campaign_and_day(request, slug)
    progress = campaign_progress(campaign=campaign, as_of=as_of)
    return {"campaign": campaign, "form": form, "progress": progress}


@require_safe
@permission_required("campaigns.view_campaign", raise_exception=True)
def dashboard(request, slug):
    """Will the campaign finish in time, and if not, what would it take?"""
    context = progress_context(request, slug)
    progress = context["progress"]
    context |= {
        "sentence": status_sentence(progress),
        "charts": charts.dashboard_charts(progress),
    }
    return render(request, "reports/dashboard.html", context)


@require_safe
@permission_required("campaigns.view_campaign", raise_exception=True)
def briefing(request, slug):
    """One printable A4 page for the coordinators' daily meeting."""
    context = progress_context(request, slug)
    progress = context["progress"]
    context |= {
        "sentence": status_sentence(progress),
        "cumulative_chart": charts.cumulative_chart(progress, width=640, height=230),
    }
    return render(request, "reports/briefing.html", context)


@require_safe
@permission_required("campaigns.view_campaign", raise_exception=True)
def progress_json(request, slug):
    campaign, form, as_of = _campaign_and_day(request, slug)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return JsonResponse(campaign_progress(campaign=campaign, as_of=as_of).as_json())
