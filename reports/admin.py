"""Daily reports: a correction needs a reason, kept in the history; flagged counts to review."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.admin import ChangeReasonAdmin, ChangeReasonForm
from campaigns.forms import ADMIN_COUNT_FIELDS, VersionCheckMixin
from campaigns.models import Campaign
from regions.admin_widgets import CheckedAutocompleteMixin
from reports import services
from reports.models import DailyReport


class DailyReportForm(VersionCheckMixin, ChangeReasonForm):
    reason_for = ("recorded_count", "first_time_voters", "failed_count")
    reason_message = _("Give a reason for correcting the counts.")

    def clean(self):
        cleaned = super().clean()
        visit = cleaned.get("visit")
        closed = visit and visit.campaign.status == Campaign.Status.CLOSED
        if closed and not cleaned.get("change_reason") and "change_reason" not in self.errors:
            self.add_error(
                "change_reason",
                ValidationError(
                    gettext("The campaign is closed: say why this report is corrected."),
                    code="reason_required",
                ),
            )
        return cleaned


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

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        # A new count is checked as the operator's form checks it; otherwise the admin's
        # "needs review" box stands (unticking it marks the report reviewed).
        if not change or "recorded_count" in form.changed_data:
            reason = services.outlier_reason(visit=obj.visit, recorded_count=obj.recorded_count)
            obj.needs_review, obj.review_reason = bool(reason), reason
        super().save_model(request, obj, form, change)
