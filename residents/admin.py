"""The backlog ledger: an edit of an entry is a correction and needs a reason."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaigns.admin import ChangeReasonAdmin, ChangeReasonForm
from residents.models import BacklogEntry


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
