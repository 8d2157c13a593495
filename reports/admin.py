"""Daily reports: a correction needs a reason, kept in the history; flagged counts to review."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.admin import ChangeReasonAdmin, ChangeReasonForm
from campaigns.forms import ADMIN_COUNT_FIELDS, VersionCheckMixin
from regions.admin_widgets import CheckedAutocompleteMixin
from reports import services
from reports.models import DailyReport


class DailyReportForm(VersionCheckMixin, ChangeReasonForm):
    reason_for = ("recorded_count", "first_time_voters", "failed_count")
    reason_message = _("Give a reason for correcting the counts.")
    user = None  # set by DailyReportAdmin.get_form: the rules depend on who saves

    def clean(self):
        cleaned = super().clean()
        visit = cleaned.get("visit") or (self.instance.visit if self.instance.pk else None)
        saved = DailyReport.objects.filter(pk=self.instance.pk).first()
        if visit and _differs(saved, cleaned) and "change_reason" not in self.errors:
            # The operator's rules (closed campaign, late correction), asked of the service.
            try:
                services.daily_report_check_may_change(
                    visit=visit,
                    report=saved,
                    by=self.user,
                    reason=cleaned.get("change_reason", ""),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    self.add_error("change_reason", error.error_dict["reason"])
                else:  # a closed campaign, for a staff user who is no admin
                    self.add_error(None, error)
        return cleaned


def _differs(saved, values) -> bool:
    """A new report, or one whose reported values change (asked of the database: a history
    page's form holds an old record)."""
    if saved is None:
        return True
    get = values.get if isinstance(values, dict) else lambda field: getattr(values, field)
    return any(getattr(saved, field) != get(field) for field in services.REPORT_FIELDS)


@admin.register(DailyReport)
class DailyReportAdmin(CheckedAutocompleteMixin, ChangeReasonAdmin):
    form = DailyReportForm
    formfield_overrides = ADMIN_COUNT_FIELDS
    list_display = [
        "visit",
        "campaign",
        "recorded_count",
        "first_time_voters",
        "failed_count",
        "needs_review",
        "created_by",
        "updated_at",
    ]
    list_filter = [
        "needs_review",
        "visit__campaign",
        ("visit__kecamatan", admin.RelatedOnlyFieldListFilter),
        ("visit__device", admin.RelatedOnlyFieldListFilter),
    ]
    # Visit.__str__ shows the date, the set and the kecamatan or desa.
    list_select_related = [
        "visit__campaign",
        "visit__device",
        "visit__kecamatan",
        "visit__desa",
        "created_by",
    ]
    search_fields = ["^visit__device__code", "^visit__kecamatan__code", "visit__kecamatan__name"]
    date_hierarchy = "visit__date"
    autocomplete_fields = ["visit"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    @admin.display(description=_("campaign"), ordering="visit__campaign__name")
    def campaign(self, obj):
        return obj.visit.campaign

    def get_readonly_fields(self, request, obj=None):
        # A report belongs to its visit: a report for another visit is another report.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "visit"] if obj else fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user  # a class made for this request by modelform_factory
        return form

    def save_model(self, request, obj, form, change):
        """Through the operator's service: the same rules, the same outlier check. A new
        count is checked as the operator's form checks it; otherwise the admin's "needs
        review" box stands (unticking it marks the report reviewed)."""
        reason = form.cleaned_data.get("change_reason") or ""
        report = obj
        if _differs(DailyReport.objects.filter(pk=obj.pk).first(), obj):
            report = services.daily_report_save(
                visit=obj.visit,
                data={field: getattr(obj, field) for field in services.REPORT_FIELDS},
                by=request.user,
                reason=reason,
                confirmed=True,  # an admin's number stands, flagged for review when odd
            )
        changed = form.changed_data
        if change and "needs_review" in changed and "recorded_count" not in changed:
            services.daily_report_review(
                report=report, needs_review=obj.needs_review, by=request.user, reason=reason
            )
        obj.pk = report.pk
        obj.refresh_from_db()
