"""The backlog ledger: an edit of an entry is a correction and needs a reason."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaigns.admin import ChangeReasonAdmin, ChangeReasonForm, HistoryAdmin, ReadOnlyAdmin
from campaigns.forms import ADMIN_COUNT_FIELDS
from regions.admin_widgets import CheckedAutocompleteMixin
from residents import services
from residents.models import BacklogEntry, ExportLog, ImportJob, NikLookup, Resident


class BacklogEntryForm(ChangeReasonForm):
    reason_for = ("campaign", "kecamatan", "date", "kind", "change")
    reason_message = _("Give a reason for correcting this ledger entry.")


@admin.register(BacklogEntry)
class BacklogEntryAdmin(CheckedAutocompleteMixin, ChangeReasonAdmin):
    form = BacklogEntryForm
    formfield_overrides = ADMIN_COUNT_FIELDS
    list_display = [
        "date",
        "kecamatan",
        "kind",
        "change",
        "needs_review",
        "campaign",
        "created_by",
        "created_at",
    ]
    list_filter = [
        "needs_review",
        "kind",
        "campaign",
        ("kecamatan", admin.RelatedOnlyFieldListFilter),
        "date",
    ]
    list_select_related = ["campaign", "kecamatan", "created_by"]
    search_fields = ["^kecamatan__code", "kecamatan__name", "note"]
    date_hierarchy = "date"
    autocomplete_fields = ["campaign", "kecamatan"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        # A new number is checked as the backlog page checks it; otherwise the admin's
        # "needs review" box stands (unticking it marks the entry reviewed).
        if not change or {"change", "kind", "kecamatan"} & set(form.changed_data):
            reason = services.backlog_outlier_reason(obj)
            obj.needs_review, obj.review_reason = bool(reason), reason
        super().save_model(request, obj, form, change)


@admin.register(Resident)
class ResidentAdmin(CheckedAutocompleteMixin, HistoryAdmin):
    """Admins see full NIKs; status changes go through the list pages, which keep the
    ledger in step, so status is read-only here."""

    list_display = ["nik", "name", "sex", "birth_date", "desa", "status", "campaign"]
    list_filter = [
        "status",
        "sex",
        "campaign",
        ("desa__kecamatan", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["desa", "campaign"]
    search_fields = ["^nik", "name"]
    autocomplete_fields = ["campaign", "desa", "recorded_visit"]
    readonly_fields = ["status", "status_date", "recorded_visit", "flags"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "campaign", "what", "rows"]
    list_filter = ["campaign", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "campaign"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NikLookup)
class NikLookupAdmin(ReadOnlyAdmin):
    """Whole-NIK searches by those who see NIKs masked: read only, the NIK masked here too."""

    list_display = ["at", "user", "campaign", "masked_nik", "found", "refused"]
    list_filter = ["refused", "campaign", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "campaign", "found"]
    date_hierarchy = "at"


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Every import of a backlog list, by anyone: read only (its progress while it runs)."""

    list_display = [
        "created_at",
        "user",
        "campaign",
        "filename",
        "dry_run",
        "status",
        "rows_read",
        "accepted",
        "refused",
        "finished_at",
    ]
    list_filter = ["status", "dry_run", "campaign", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "campaign"]
    date_hierarchy = "created_at"
    exclude = ["result"]  # the summary, with the refused values, is on the job's page
