"""The backlog ledger: an edit of an entry is a correction and needs a reason."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from campaigns.admin import ChangeReasonAdmin, ChangeReasonForm
from residents.models import BacklogEntry, ExportLog, Resident


class BacklogEntryForm(ChangeReasonForm):
    reason_for = ("campaign", "kecamatan", "date", "kind", "change")
    reason_message = _("Give a reason for correcting this ledger entry.")


@admin.register(BacklogEntry)
class BacklogEntryAdmin(ChangeReasonAdmin):
    form = BacklogEntryForm
    list_display = ["date", "kecamatan", "kind", "change", "campaign", "created_by", "created_at"]
    list_filter = [
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
        super().save_model(request, obj, form, change)


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
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
