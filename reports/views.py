from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaigns.models import Campaign, Visit
from reports import services, whatsapp
from reports.forms import DailyReportForm
from reports.models import DailyReport
from reports.progress import unreported_before
from reports.rules import daily_report_rules, is_operator, may_report
from reports.selectors import report_changes
from residents.selectors import marked_at_visit


def home(request):
    """Operators land on today's visits; koordinators and admins on the dashboard of the
    one active campaign, or on the list when there are several."""
    if is_operator(request.user):
        return redirect("visits:today")
    active = Campaign.objects.sole_active()
    if active:
        return redirect("campaigns:dashboard", slug=active.slug)
    return redirect("campaigns:list")


def _visits_for(user):
    """The visits a user may see, with what their pages show."""
    return Visit.objects.visible_to(user).with_place().select_related("report")


def _open_visits_for(user):
    return _visits_for(user).of_open_campaigns()


@require_safe
@permission_required("campaigns.view_visit", raise_exception=True)
def visits_today(request):
    """Today's visits, and earlier ones still without a report, in the user's area: those
    naming them first, then the others of their kecamatan, which they may report too."""
    today = timezone.localdate()
    names_them = Visit.operators.through.objects.filter(
        visit=OuterRef("pk"), user_id=request.user.pk
    )
    visits = (
        _open_visits_for(request.user)
        .filter(Q(date=today) | Q(date__lt=today, report__isnull=True))
        .annotate(names_them=Exists(names_them))
        .order_by("-names_them", "date", "kecamatan__name", "device__code")
    )
    return render(request, "reports/visits_today.html", {"visits": visits, "today": today})


@permission_required("campaigns.view_visit", raise_exception=True)
def visit_report(request, visit_id):
    visit = get_object_or_404(_visits_for(request.user), pk=visit_id)
    try:
        report = visit.report  # read with the visit (_visits_for)
    except DailyReport.DoesNotExist:
        report = None
    rules = daily_report_rules(visit=visit, report=report, user=request.user)
    if request.method == "POST" and not may_report(request.user):
        raise PermissionDenied
    sender = request.POST.get("sender")
    if request.method == "POST" and sender is not None and sender != request.user.get_username():
        # Kept on a shared phone by someone else, now sent with this user's session.
        message = _("Typed by %(user)s: log in as %(user)s to send it.") % {"user": sender}
        return JsonResponse({"status": "refused", "message": message}, status=403)
    if request.method == "POST":
        form, marked = DailyReportForm(request.POST), None  # the names only if shown again
    else:
        marked = marked_at_visit(visit=visit, user=request.user)
        form = DailyReportForm(initial=_initial(report, marked["count"]))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(visit, form, request.user)
        except services.StaleReport as stale:
            form.add_error(None, stale)
            conflict = _conflict(form, stale.report)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            message = _("Report saved: %(count)s recorded.") % {"count": saved.recorded_count}
            if _wants_json(request):
                # What the page needs to show itself as saved without loading itself again:
                # of the names marked here, only how many (one COUNT, not the list).
                marked_count = marked_at_visit(visit=visit, user=request.user, limit=0)["count"]
                return JsonResponse(
                    {
                        "status": "saved",
                        "message": message,
                        "version": saved.version,
                        "badge": _("Reported: %(count)s recorded")
                        % {"count": intcomma(saved.recorded_count)},
                        "below_marked": saved.recorded_count < marked_count,
                    }
                )
            messages.success(request, message)
            return redirect(request.path)  # Post/Redirect/Get: a reload sends nothing
    if request.method == "POST" and _wants_json(request):
        # Kept on the phone with the reason, to be fixed and sent again.
        reasons = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"status": "refused", "message": " ".join(reasons)}, status=422)
    if rules.read_only:
        # Shown, not sent: a closed campaign's values with the reason (a POST got it too).
        for field in form.fields.values():
            field.disabled = True
    if marked is None:
        marked = marked_at_visit(visit=visit, user=request.user)
    context = {
        "visit": visit,
        "report": report,
        "form": form if may_report(request.user) else None,
        "rules": rules,
        "history": report_changes(report, request.user) if report else None,
        "conflict": conflict,
        # Names marked recorded here and the count typed stay independent (people without
        # a name on the list are recorded too); a count below the names is flagged.
        "marked": marked if request.user.has_perm("residents.view_resident") else None,
        "count_below_marked": report is not None and report.recorded_count < marked["count"],
        "unnamed_in_count": max(report.recorded_count - marked["count"], 0) if report else 0,
    }
    return render(request, "reports/visit_report.html", context)


def _save(visit, form, user):
    data = form.cleaned_data
    common = {
        "visit": visit,
        "data": data,
        "by": user,
        "reason": data["reason"],
        "confirmed": data["confirm"],
        "version": data["version"],
    }
    if data["submission"]:  # sent by the page's script, maybe after a time offline
        return services.daily_report_submit(
            **common, submission_id=data["submission"], after=data["after"]
        )
    return services.daily_report_save(**common)


def _wants_json(request):
    """The page's script sends the form itself and reads the answer."""
    return request.headers.get("Accept") == "application/json"


def _initial(report, marked_count):
    """A new report starts from the residents already marked recorded at the visit."""
    if report is None:
        return {"version": 0} | ({"recorded_count": marked_count} if marked_count else {})
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
    """Visits dated before today with no report, and reports flagged for review; each late
    visit with a WhatsApp reminder to its operators."""
    today = timezone.localdate()
    users = get_user_model().objects.select_related("profile")
    operators = Prefetch("operators", queryset=users)
    visits = _open_visits_for(request.user)
    campaign = None
    if slug := request.GET.get("campaign"):  # one campaign's, as its dashboard links here
        campaign = get_object_or_404(Campaign, slug=slug)
        visits = visits.filter(campaign=campaign)
    late = (
        unreported_before(visits, today)
        .prefetch_related(operators)
        .order_by("kecamatan__name", "device__code", "date")
    )
    flagged = visits.filter(report__needs_review=True).order_by("-date", "kecamatan__name")
    rows = [
        (
            visit,
            (today - visit.date).days,
            whatsapp.reminder_links(
                visit, request.build_absolute_uri(reverse("visits:report", args=[visit.pk]))
            ),
        )
        for visit in late
    ]
    return render(
        request,
        "reports/late_reports.html",
        {"late": rows, "flagged": flagged, "today": today, "campaign": campaign},
    )
