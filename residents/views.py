import secrets

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from django_filters.views import FilterView

from campaigns.models import Campaign, Visit
from residents import exports, selectors, services
from residents.forms import (
    BacklogEntryForm,
    BulkRecordForm,
    ResidentFilter,
    ResidentStatusForm,
    whole_nik,
)
from residents.models import Resident
from residents.nik import mask_niks_in_text
from residents.permissions import may_import, may_see_nik


@permission_required("residents.view_backlogentry", raise_exception=True)
def backlog(request, slug):
    """The backlog per kecamatan, its clean-up entries, and the form to add one."""
    campaign = get_object_or_404(Campaign.objects.select_related("kabupaten"), slug=slug)
    may_add = request.user.has_perm("residents.add_backlogentry")
    if request.method == "POST" and not may_add:
        raise PermissionDenied
    form = BacklogEntryForm(request.POST or None, campaign=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm")
        try:
            services.backlog_entry_create(
                campaign=campaign, by=request.user, confirmed=confirmed, **data
            )
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
        "may_import": may_import(request.user),
    }
    return render(request, "residents/backlog.html", context)


# --- Working on the list ---------------------------------------------------------------------

can_view_residents = permission_required("residents.view_resident", raise_exception=True)
can_change_residents = permission_required("residents.change_resident", raise_exception=True)
S = Resident.Status


@require_safe
@can_view_residents
def resident_home(request):
    """The nav's "Residents": the list of the one active campaign, or a choice of campaigns."""
    active = Campaign.objects.sole_active()
    if active:
        return redirect("residents:list", slug=active.slug)
    campaigns = selectors.campaign_choices()
    return render(request, "residents/resident_home.html", {"campaigns": campaigns})


# The whole NIKs searched in this session, by opaque token: ?nik=<token> instead of ?q=<NIK>.
NIK_SEARCHES_SESSION_KEY = "residents-nik-searches"
NIK_SEARCHES_KEPT = 10


@method_decorator(
    [require_http_methods(["GET", "HEAD", "POST"]), can_view_residents], name="dispatch"
)
class ResidentListView(FilterView):
    """Search by NIK (whole, or its last digits) or name; filter by status and desa.

    The search box posts: a whole NIK never travels in an address, so no access log, browser
    history or proxy keeps one. It comes back as an opaque token that names the NIK in the
    session. Those who see NIKs masked may search by a whole NIK a few times a day, logged.
    """

    filterset_class = ResidentFilter
    paginate_by = 50
    template_name = "residents/resident_list.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.campaign = get_object_or_404(
            Campaign.objects.select_related("kabupaten"), slug=kwargs["slug"]
        )
        self.searched_nik = ""

    def post(self, request, slug):
        query = QueryDict(mutable=True)
        for name in ("status", "desa"):
            if request.POST.get(name):
                query[name] = request.POST[name]
        term = request.POST.get("q", "").strip()[:100]
        nik = whole_nik(term)
        if not nik:
            if term:
                # Not one NIK, but perhaps holding one (17 digits, two NIKs): masked in the
                # address all the same, where it then finds no one.
                query["q"] = mask_niks_in_text(term)
        else:
            try:
                services.nik_search_record(user=request.user, campaign=self.campaign, nik=nik)
            except ValidationError as refused:  # over the day's limit (NIKs seen masked)
                messages.error(request, refused.messages[0])
            else:
                query["nik"] = self._remember_search(nik)
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)

    def _remember_search(self, nik):
        """The opaque token that names ``nik`` in the session, beside the last few searches."""
        searches = self.request.session.get(NIK_SEARCHES_SESSION_KEY, {})
        token = secrets.token_urlsafe(8)
        kept = list(searches.items())[-(NIK_SEARCHES_KEPT - 1) :]
        self.request.session[NIK_SEARCHES_SESSION_KEY] = dict(kept) | {token: nik}
        return token

    def get(self, request, slug):
        token = request.GET.get("nik")
        if token:
            self.searched_nik = request.session.get(NIK_SEARCHES_SESSION_KEY, {}).get(token, "")
            if not self.searched_nik:
                messages.warning(request, _("That search has expired: search again."))
                query = request.GET.copy()
                del query["nik"]
                return redirect(f"{request.path}?{query.urlencode()}")
        return super().get(request, slug=slug)

    def get_queryset(self):
        residents = (
            Resident.objects.visible_to(self.request.user)
            .filter(campaign=self.campaign)
            .select_related("desa__kecamatan")
        )
        return residents.filter(nik=self.searched_nik) if self.searched_nik else residents

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"campaign": self.campaign}

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        upcoming = selectors.upcoming_visits(
            campaign=self.campaign, user=self.request.user, as_of=today
        )
        return super().get_context_data(**kwargs) | {
            "campaign": self.campaign,
            "today": today,
            "upcoming": upcoming,
            "may_import": may_import(self.request.user),
            "searched_nik": self.searched_nik,
        }


@require_http_methods(["GET", "HEAD", "POST"])
@can_view_residents
def resident_detail(request, pk):
    """A resident, the buttons that change their status, and their history."""
    may_change = request.user.has_perm("residents.change_resident")
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related(
            "campaign",
            "desa__kecamatan",
            "recorded_visit__device",
            "recorded_visit__kecamatan",
            "recorded_visit__desa",
        ),
        pk=pk,
    )
    form = None
    if may_change:
        visits = selectors.recorded_visit_choices(resident=resident, user=request.user)
        # Bound on any POST, even an empty one: a refused status is answered with a message.
        data = request.POST if request.method == "POST" else None
        form = ResidentStatusForm(data, resident=resident, visits=visits)
        if request.method == "POST" and form.is_valid():
            status = form.cleaned_data["status"]
            try:
                services.resident_set_status(
                    resident=resident,
                    status=status,
                    by=request.user,
                    visit=form.cleaned_data["visit"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _status_message(resident, status, form.cleaned_data))
                return redirect(request.path)
    context = {
        "resident": resident,
        "form": form,
        "history": selectors.resident_history(resident=resident, user=request.user),
        "today": timezone.localdate(),
        # Birth date and full NIK for those who work on the list; an age for the others.
        "full_data": may_see_nik(request.user),
    }
    return render(request, "residents/resident_detail.html", context)


def _status_message(resident, status, data):
    params = {"name": resident.name, "kecamatan": resident.desa.kecamatan.name}
    if status == S.RECORDED:
        params["visit"] = str(data["visit"])
        return _("%(name)s is marked recorded, at the visit %(visit)s.") % params
    if status == S.UNRECORDED:
        return _("%(name)s is back to not yet recorded.") % params
    params["status"] = S(status).label.lower()
    return _("%(name)s is marked %(status)s; the backlog of %(kecamatan)s is one lower.") % params


# --- Many at once: NIKs pasted for one visit ---------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@can_change_residents
def bulk_record(request, visit_id):
    """Paste the NIKs of the people recorded at a visit; each one that cannot be marked is
    listed back with the reason, the others are marked recorded."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user).with_place(), pk=visit_id)
    try:
        services.visit_check_recordable(visit=visit, by=request.user)
    except ValidationError as error:
        blocked = error.messages[0]
    else:
        blocked = None
    session_key = f"residents-bulk-{visit.pk}"
    form = BulkRecordForm(request.POST or None)
    if request.method == "POST" and blocked is None and form.is_valid():
        saved, problems = services.residents_record_pasted(
            visit=visit, tokens=form.cleaned_data["niks"], by=request.user
        )
        request.session[session_key] = {"saved": saved, "problems": problems}
        if saved:
            messages.success(
                request,
                ngettext(
                    "%(count)s resident marked recorded.",
                    "%(count)s residents marked recorded.",
                    len(saved),
                )
                % {"count": len(saved)},
            )
        return redirect(request.path)  # Post/Redirect/Get; the result waits in the session
    result = request.session.pop(session_key, None) if request.method != "POST" else None
    if result and result["problems"] and not form.is_bound:
        # The NIKs still to fix, ready to correct and send again.
        form = BulkRecordForm(initial={"niks": "\n".join(p["nik"] for p in result["problems"])})
    context = {
        "visit": visit,
        "form": form,
        "blocked": blocked,
        "result": result,
        "recorded_here": visit.recorded_residents.count(),
    }
    return render(request, "residents/bulk_record.html", context)


# --- Invitation lists --------------------------------------------------------------------------


@require_safe
@can_view_residents
def invitations(request, visit_id):
    """A printable list, per desa, of the people to call in for a visit."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user).with_place(), pk=visit_id)
    residents = list(selectors.invited_residents(visit=visit, user=request.user))
    exports.invitations_print_record(visit=visit, rows=len(residents), request=request)
    context = {"visit": visit, "residents": residents, "today": timezone.localdate()}
    return render(request, "residents/invitations.html", context)


@require_safe
@can_change_residents
def invitations_csv(request, visit_id):
    """The invitation list for a spreadsheet, with full NIKs: operators and admins only, and
    each download is logged."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user).with_place(), pk=visit_id)
    residents = list(selectors.invited_residents(visit=visit, user=request.user))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = exports.invitations_csv_filename(visit)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    exports.invitations_csv_export(visit=visit, residents=residents, out=response, request=request)
    return response
