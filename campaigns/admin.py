"""The back office: campaigns with their schedule, and operators' areas."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from campaigns import services
from campaigns.forms import ADMIN_COUNT_FIELDS, DayField, VersionCheckMixin
from campaigns.models import AuditEntry, Campaign, OperatorScope, Profile, Visit
from devices import services as device_services
from devices.admin import DeviceAdmin
from devices.models import Device, DeviceState
from regions.admin_widgets import CheckedAutocompleteMixin

User = get_user_model()
RelatedOnly = admin.RelatedOnlyFieldListFilter


# History pages, and a change reason that goes into the django-simple-history record.


class ChangeValues(HistoricalRecordContextHelper):
    """The values of a history page's "Changes" column as the pages show them: a choice by
    its label, a date as dd/mm/yyyy, "—" for none (not "None")."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return date_format(value, "SHORT_DATE_FORMAT")
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages answer 404 for an id that is not one.

    django-simple-history puts the ids of `<id>/history/` and `<id>/history/<history id>/`
    into a query as they come, so `abc` raises ValueError there: a server error. Every admin
    with a history derives from this class (tests/test_admin.py checks it).
    """

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangeValues(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        self._check_ids(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_ids(object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _check_ids(self, object_id, version_id=None):
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                history.model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404 from None


class ChangeReasonForm(forms.ModelForm):
    """Its reason is saved in the history; required when a `reason_for` field of a saved
    object changes. The admin gives the model and fields (ModelAdmin.get_form)."""

    reason_for = ()
    reason_message = _("Give a reason for this change.")

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=100,  # the history's column
        help_text=_("Kept in the history with your name and the time."),
    )

    def clean(self):
        cleaned = super().clean()
        changed = set(self.reason_for) & set(self.changed_data)
        if self.instance.pk and changed and not cleaned.get("change_reason"):
            self.add_error(
                "change_reason", ValidationError(self.reason_message, code="reason_required")
            )
        return cleaned


class ChangeReasonAdmin(HistoryAdmin):
    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason")
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)


# Campaigns and their schedule.


class CampaignForm(ChangeReasonForm):
    reason_for = ("target_date", "extension_date")
    reason_message = _("Give a reason for changing the target or extension date.")

    change_reason = forms.CharField(
        label=_("Reason for changing a deadline"),
        required=False,
        max_length=100,
        help_text=_("Required when the target or extension date of a campaign changes."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("extension_date")
        end = end or cleaned.get("target_date")
        moved = {"start_date", "target_date", "extension_date"} & set(self.changed_data)
        if self.instance.pk and moved and start and end:
            # The schedule rows are not checked again when unchanged (VisitInlineFormSet).
            outside = self.instance.visits.exclude(date__range=(start, end)).order_by("date")
            first = outside.first()
            if first:
                self.add_error(
                    None,
                    ValidationError(
                        gettext(
                            "%(count)s visit(s) would fall outside the campaign's dates, "
                            "the first on %(date)s. Move or delete them first."
                        ),
                        code="visits_outside_campaign",
                        params={
                            "count": outside.count(),
                            "date": date_format(first.date, "SHORT_DATE_FORMAT"),
                        },
                    ),
                )
        return cleaned


class VisitInlineFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk:
            # Rows left as they were are not validated again: closing the campaign must not
            # trip over its own visits (Visit.clean refuses visits of a closed campaign).
            form.empty_permitted = True
        return form

    def clean(self):
        seen = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not form.is_valid():
                continue
            device, day = data.get("device"), data.get("date")
            if not (device and day):
                continue
            if (device.pk, day) not in seen:
                seen[device.pk, day] = data.get("kecamatan")
                continue
            # Two rows of this form book the set on one date, before either is saved.
            form.add_error(
                "device",
                ValidationError(
                    gettext("Set %(device)s is already scheduled in %(place)s on %(date)s."),
                    code="device_double_booked",
                    params={
                        "device": device.code,
                        "place": seen[device.pk, day],
                        "date": date_format(day, "SHORT_DATE_FORMAT"),
                    },
                ),
            )
        super().clean()


class VisitForm(VersionCheckMixin, forms.ModelForm):
    pass


# The days of the schedule shown on a campaign's page, from today.
INLINE_DAYS = 7


def add_days(day, days):
    return day + datetime.timedelta(days=days)


class VisitInline(CheckedAutocompleteMixin, admin.TabularInline):
    model = Visit
    form = VisitForm
    formset = VisitInlineFormSet
    formfield_overrides = ADMIN_COUNT_FIELDS
    fields = ["date", "device", "kecamatan", "desa", "site_name", "planned_count", "operators"]
    autocomplete_fields = ["device", "kecamatan", "desa", "operators"]
    extra = 1
    # Only the coming week: a whole campaign's schedule (46 visits in the demo) made the page
    # 9,164 px tall. The campaign's "schedule" field links to all of them in the visit list.
    verbose_name_plural = _("visits of the coming week (today and the next 6 days)")

    class Media:
        css = {"all": ["css/admin_visits.css"]}

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .filter(date__range=(today, add_days(today, INLINE_DAYS - 1)))
            .with_place()
        )


@admin.register(Campaign)
class CampaignAdmin(ChangeReasonAdmin):
    form = CampaignForm
    formfield_overrides = ADMIN_COUNT_FIELDS
    list_display = [
        "name",
        "kabupaten",
        "status",
        "start_date",
        "target_date",
        "extension_date",
        "election_date",
        "visit_list",
        "backlog_list",
    ]
    list_filter = ["status", "kabupaten__provinsi", ("kabupaten", RelatedOnly)]
    list_select_related = ["kabupaten"]
    search_fields = ["name", "slug", "^kabupaten__code", "kabupaten__name"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["kabupaten"]
    readonly_fields = ["backlog", "schedule", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kabupaten", "status", "max_daily_per_set"]}),
        (
            _("Dates"),
            {
                "fields": [
                    "start_date",
                    "target_date",
                    "extension_date",
                    "election_date",
                    "change_reason",
                ]
            },
        ),
        (None, {"fields": ["backlog", "schedule", "created_at"]}),
    ]
    inlines = [VisitInline]
    # Explicit: Meta.ordering does not survive the Count below (a GROUP BY query).
    ordering = ["-start_date", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(visit_count=Count("visits"))

    @admin.display(description=_("visits"), ordering="visit_count")
    def visit_list(self, obj):
        return format_html('<a href="{}">{}</a>', _visits_url(obj), obj.visit_count)

    @admin.display(description=_("schedule"))
    def schedule(self, obj):
        if obj.pk is None:
            return "-"
        count = obj.visits.count()
        text = ngettext(
            "All %(count)s visit in the visit list",
            "All %(count)s visits in the visit list",
            count,
        ) % {"count": count}
        return format_html('<a href="{}">{}</a>', _visits_url(obj), text)

    @admin.display(description=_("backlog ledger"))
    def backlog_list(self, obj):
        return format_html('<a href="{}">{}</a>', _ledger_url(obj), gettext("Ledger"))

    @admin.display(description=_("backlog"))
    def backlog(self, obj):
        if obj.pk is None:
            return "-"
        entries = obj.backlog_entries.all()
        count, total = entries.count(), entries.total()
        text = ngettext(
            "%(total)s residents, in %(count)s ledger entry",
            "%(total)s residents, in %(count)s ledger entries",
            count,
        ) % {"total": total, "count": count}
        return format_html('<a href="{}">{}</a>', _ledger_url(obj), text)


def _visits_url(campaign):
    return reverse("admin:campaigns_visit_changelist") + f"?campaign__id__exact={campaign.pk}"


def _ledger_url(campaign):
    return reverse("admin:residents_backlogentry_changelist") + (
        f"?campaign__id__exact={campaign.pk}"
    )


class ReportListFilter(admin.SimpleListFilter):
    title = _("daily report")
    parameter_name = "report"

    def lookups(self, request, model_admin):
        return [("sent", _("Sent")), ("missing", _("Missing"))]

    def queryset(self, request, queryset):
        if self.value() in ("sent", "missing"):
            return queryset.filter(report__isnull=self.value() == "missing")
        return queryset


@admin.register(Visit)
class VisitAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    formfield_overrides = ADMIN_COUNT_FIELDS
    form = VisitForm
    list_display = [
        "date",
        "device",
        "kecamatan",
        "desa",
        "site_name",
        "campaign",
        "planned_count",
        "operator_names",
        "has_report",
        "recorded",
    ]
    list_filter = [
        "date",
        ReportListFilter,
        "campaign",
        ("kecamatan", RelatedOnly),
        ("device", RelatedOnly),
    ]
    date_hierarchy = "date"
    search_fields = [
        "^device__code",
        "^kecamatan__code",
        "kecamatan__name",
        "desa__name",
        "site_name",
    ]
    autocomplete_fields = ["campaign", "device", "kecamatan", "desa", "operators"]

    def get_queryset(self, request):
        # Here rather than list_select_related (which Django then skips): it also serves
        # __str__ in the autocomplete of daily reports.
        return (
            super()
            .get_queryset(request)
            .select_related("campaign", "device", "kecamatan", "desa")
            .annotate(recorded=F("report__recorded_count"))
            .prefetch_related("operators")
        )

    @admin.display(description=_("responsible operators"))
    def operator_names(self, obj):
        return ", ".join(user.get_username() for user in obj.operators.all())

    @admin.display(description=_("report sent"), boolean=True, ordering="recorded")
    def has_report(self, obj):
        return obj.recorded is not None

    @admin.display(description=_("recorded"), ordering="recorded")
    def recorded(self, obj):
        return obj.recorded


# Users, with the kecamatan an operator is limited to.


class OperatorScopeInline(admin.StackedInline):
    model = OperatorScope
    autocomplete_fields = ["kecamatan"]
    verbose_name_plural = _("operator's area")


class ProfileInline(admin.StackedInline):
    model = Profile
    verbose_name_plural = _("WhatsApp number")


# Django names its permissions in English when it makes them ("Can add visit", stored so);
# the user and group pages show them in the interface's language.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission):
    """ "Kegiatan dan jadwal | Kunjungan | Dapat menambah kunjungan": a permission as the
    user and group pages list it. One Django makes for a model is named again from its
    action and the model's translated name; any other keeps its stored name, translated
    when the catalogue has it."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if (
        model is not None
        and action in PERMISSION_ACTIONS
        and permission.codename == f"{action}_{model._meta.model_name}"
    ):
        name = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{permission.content_type} | {name}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class TranslatedPermissionsMixin:
    """Permissions by permission_label: in the form's box, and where the page shows them
    read-only (a view-only admin, or single permissions for one who is not a superuser),
    which Django would write with the stored English name."""

    PERMISSION_FIELDS = ("permissions", "user_permissions")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.PERMISSION_FIELDS:
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "permissions_list"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        readonly = set(self.get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            readonly |= set(self.PERMISSION_FIELDS)
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "permissions_list"
                        if field in self.PERMISSION_FIELDS and field in readonly
                        else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description=_("permissions"))
    def permissions_list(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        manager = obj.permissions if isinstance(obj, Group) else obj.user_permissions
        labels = sorted(permission_label(p) for p in manager.select_related("content_type"))
        return format_html_join("", "<div>{}</div>", ((label,) for label in labels)) or "-"


admin.site.unregister(Group)


@admin.register(Group)
class EktpGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    pass


admin.site.unregister(User)


@admin.register(User)
class EktpUserAdmin(TranslatedPermissionsMixin, UserAdmin):
    inlines = [ProfileInline, OperatorScopeInline]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out superuser status or single permissions; roles are groups.
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = [*fields, "is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        # Otherwise an admin could set a superuser's password and log in as them.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


# The audit log: read only, for admins.


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log: listed for admins, never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "description", "campaign", "address"]
    list_filter = ["action", "at", ("campaign", RelatedOnly), ("user", RelatedOnly)]
    list_select_related = ["campaign"]
    search_fields = ["username", "description", "address"]
    date_hierarchy = "at"


# A set breaks down: its visits go to another set, then it is marked under repair. Here, not in
# devices/admin.py, because visits are this app's (devices is the floor below).


class TargetSetField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        state = [
            DeviceState.Mode(obj.mode_on).label if obj.mode_on else None,
            DeviceState.Condition(obj.condition_on).label if obj.condition_on else None,
        ]
        today = ", ".join(str(one).lower() for one in state if one) or "—"
        return gettext("%(code)s (%(office)s; today %(state)s)") % {
            "code": obj.code,
            "office": obj.home_office_label,
            "state": today,
        }


class VisitMoveForm(forms.Form):
    from_date = DayField(
        label=_("Move the visits from"),
        help_text=_("The first day the set cannot work; visits without a report from then on."),
    )
    to_device = TargetSetField(label=_("To the set"), queryset=Device.objects.none())

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_device"].queryset = (
            Device.objects.exclude(pk=device.pk)
            .select_related("home_kecamatan")
            .with_state(on=timezone.localdate())
        )


class RepairForm(forms.Form):
    valid_from = DayField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


@admin.action(description=_("Move this set's visits to another set"), permissions=["move_visits"])
def move_visits(modeladmin, request, queryset):
    """An intermediate page: the first day and the target set; then what moved and what did
    not, and the offer to mark the set under repair from that day."""
    devices = list(queryset.select_related("home_kecamatan")[:2])
    if len(devices) != 1:
        modeladmin.message_user(
            request, gettext("Choose exactly one recording set to move its visits."), "error"
        )
        return None
    device = devices[0]
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": gettext("Move the visits of set %(device)s") % {"device": device.code},
        "device": device,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    step = request.POST.get("step")
    if step == "repair":
        return _mark_under_repair(modeladmin, request, device)
    form = VisitMoveForm(request.POST if step == "move" else None, device=device)
    if step == "move" and form.is_valid():
        day, target = form.cleaned_data["from_date"], form.cleaned_data["to_device"]
        moves = services.visits_move(
            device=device, to_device=target, from_date=day, by=request.user
        )
        blocking = device.visits.filter(date__gte=day)
        context |= {
            "moves": moves,
            "from_date": day,
            "target": target,
            "blocking": blocking.count(),
            "blocking_url": reverse("admin:campaigns_visit_changelist")
            + f"?device__id__exact={device.pk}&date__gte={day.isoformat()}",
            "repair_form": RepairForm(initial={"valid_from": day}),
        }
        return TemplateResponse(request, "admin/devices/device/move_visits_done.html", context)
    if not form.is_bound:
        form.initial = {"from_date": timezone.localdate()}
    context["form"] = form
    return TemplateResponse(request, "admin/devices/device/move_visits.html", context)


def _mark_under_repair(modeladmin, request, device):
    form = RepairForm(request.POST)
    if not form.is_valid():
        modeladmin.message_user(request, gettext("The date was not understood."), "error")
        return None
    day = form.cleaned_data["valid_from"]
    try:
        device_services.device_state_record(
            device=device,
            valid_from=day,
            condition=DeviceState.Condition.UNDER_REPAIR,
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), "error")
        return None
    modeladmin.message_user(
        request,
        gettext("Set %(device)s is under repair from %(date)s.")
        % {"device": device.code, "date": date_format(day, "SHORT_DATE_FORMAT")},
        "success",
    )
    return None


admin.site.unregister(Device)


@admin.register(Device)
class DeviceWithVisitsAdmin(DeviceAdmin):
    actions = [move_visits]

    def has_move_visits_permission(self, request):
        # Moves visits and records the set's state: both the admin's.
        return request.user.has_perm("campaigns.change_visit") and request.user.has_perm(
            "devices.add_devicestate"
        )
